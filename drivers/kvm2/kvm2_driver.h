// The kvm2 driver: a libvirt domain per profile (qemu:///system by default, --kvm-qemu-uri),
// booting the guest image directly, on a NAT network of its own (mini-<profile>) or on an
// existing one (--kvm-network=default); the host reaches the API server and ssh at the
// machine's address on that network. The domain runs
// under KVM when the self-test says KVM works, else under TCG. State comes from libvirt; the
// machine directory holds the data disk, the network plan, the ssh keys and fw_cfg files.
#pragma once

#include <chrono>
#include <string>

#include "vm/driver.h"
#include "vm/driver_registry.h"

namespace mini::drivers::kvm2 {

inline constexpr char kDefaultUri[] = "qemu:///system";
/// How long a graceful stop waits before the domain is destroyed.
inline constexpr std::chrono::seconds kStopGrace{60};
/// How long Start waits for the guest's DHCP lease.
inline constexpr std::chrono::seconds kLeaseWait{90};
inline constexpr int64_t kMinMemoryMb = 1024;
inline constexpr int64_t kMinDiskMb = 2048;

vm::DriverPtr NewKvm2Driver();

/// Healthy when libvirt is installed and its daemon answers at `uri`; `priority` falls behind
/// the qemu driver's when KVM does not work here (emulation is slower through libvirt).
vm::HostCheck CheckHost(const std::string& uri = kDefaultUri);

void Register(vm::DriverRegistry& registry);

}  // namespace mini::drivers::kvm2
