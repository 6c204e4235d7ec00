// The drivers compiled into this binary, with what minikube users expect of them: names and
// aliases, a priority for automatic choice, and a host check that says why a driver cannot run
// here and how to fix it. The one list of built-in drivers is RegisterBuiltinDrivers().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/driver.h"

namespace mini::vm {

struct HostCheck {
  bool healthy = false;
  std::string reason;  // why not healthy
  std::string fix;     // what to do about it
  /// When >= 0, the driver's priority on this host instead of DriverDef::priority (kvm2 falls
  /// behind qemu where KVM does not work).
  int priority = -1;
};

/// What a host check may depend on besides the host: the settings a user gave for the driver.
struct HostContext {
  std::string kvm_qemu_uri;  // kvm2's libvirt daemon; empty: the default
};

struct DriverDef {
  std::string name;
  std::vector<std::string> aliases;
  int priority = 0;  // higher is preferred when no driver is asked for
  std::function<HostCheck(const HostContext&)> check_host;
  std::function<DriverPtr()> create;
  /// The smallest machine this driver can run the control plane in; 0: no limit.
  int64_t min_memory_mb = 0;
  int64_t min_disk_mb = 0;
};

class DriverRegistry {
 public:
  /// kAlreadyExists when the name or an alias is taken.
  Status Register(DriverDef def);
  /// By name or alias; nullptr when unknown.
  const DriverDef* Find(const std::string& name) const;
  /// Sorted by priority, highest first.
  std::vector<const DriverDef*> All() const;

  /// The driver to use: `requested` if given (kNotFound listing the known drivers when unknown,
  /// kFailedPrecondition with the host check's reason and fix when unhealthy here), otherwise
  /// the healthy driver of highest priority. Each rejected driver's reason goes to the log.
  Result<const DriverDef*> Choose(const std::string& requested,
                                  const HostContext& host = {}) const;

 private:
  std::vector<DriverDef> defs_;
};

/// Registers every driver compiled into this binary (src/vm/builtin_drivers.cc).
void RegisterBuiltinDrivers(DriverRegistry& registry);

}  // namespace mini::vm
