// The contract every folder under drivers/ implements: one machine per profile, created,
// started, stopped and deleted on request, its state read from reality (processes, hypervisor),
// never from a cache that could lie after a crash.
//
// A driver boots the machine and, inside it, `mini control-plane`; the machine lifecycle in
// src/vm waits for the API server and wires kubeconfig. Methods may block (they wait for
// processes and hypervisors) and are called with the profile lock held, one at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::vm {

enum class MachineState {
  kNonexistent,  // never created, or deleted
  kStopped,      // created, not running
  kRunning,
  kError,  // should be running but is not (crashed), or cannot be inspected
};
std::string_view StateName(MachineState state);  // "Nonexistent", "Stopped", "Running", "Error"

inline constexpr uint16_t kDefaultApiServerPort = 8443;

/// A guest port the host reaches on 127.0.0.1.
struct PortMapping {
  uint16_t host = 0;
  uint16_t guest = 0;
};

/// A host directory shared into the machine.
struct SharedDir {
  std::filesystem::path host;
  std::string guest;
};

/// How the machine reaches a server on the host (`mini mount`'s file server).
struct HostRoute {
  std::string bind;  // the host address such a server listens on
  std::string dial;  // the address the machine connects to
};

/// Everything a driver needs to know about the machine it manages.
struct MachineSpec {
  std::string name;                   // the profile name; also the node name
  std::filesystem::path machine_dir;  // the driver's own state, removed by Delete
  std::filesystem::path console_log;  // where the control plane's (or guest's) output goes
  std::filesystem::path mini_binary;  // the mini executable to run as the control plane
  int cpus = 2;
  int64_t memory_mb = 4096;
  int64_t disk_size_mb = 20000;
  uint16_t apiserver_port = kDefaultApiServerPort;
  // Certificates the control plane serves with and verifies clients against.
  std::filesystem::path ca_cert;
  std::filesystem::path serving_cert;
  std::filesystem::path serving_key;
  /// More `mini control-plane` flags, passed through as they are (the datastore's).
  std::vector<std::string> control_plane_flags;
  /// What VM drivers expose of the machine (--ports) and share into it (--mount-string).
  std::vector<PortMapping> ports;
  std::vector<SharedDir> mounts;
  /// The libvirt daemon the kvm2 driver uses (--kvm-qemu-uri); empty: qemu:///system.
  std::string kvm_qemu_uri;
  /// The qemu driver's network: "user" (or empty) or "bridge" (a host bridge and tap, root only).
  std::string network;
  /// The kvm2 driver's libvirt network; empty: mini-<profile>, made and removed by the driver.
  std::string kvm_network;
  /// Shared downloads and images (MINI_HOME/cache), e.g. the guest image of VM drivers.
  std::filesystem::path cache_dir;
  /// Progress for the user, one line per step that takes a while.
  std::function<void(const std::string&)> say = [](const std::string&) {};
};

/// Where the API server answers, as seen from the host.
struct Endpoint {
  std::string host;
  uint16_t port = 0;
};

class Driver {
 public:
  virtual ~Driver() = default;

  /// Prepares the machine's resources (directories, disks); idempotent.
  virtual Status Create(const MachineSpec& spec) = 0;
  /// Boots the machine and launches the control plane in it, returning once it is launched
  /// (not necessarily ready). kFailedPrecondition when a needed resource (a port) is taken.
  virtual Status Start(const MachineSpec& spec) = 0;
  /// Shuts down gracefully, forcing it after a timeout. OK when already stopped.
  virtual Status Stop(const MachineSpec& spec) = 0;
  /// Stops at once, without a graceful shutdown. OK when already stopped.
  virtual Status Kill(const MachineSpec& spec) = 0;
  /// Kills the machine if needed and removes everything Create made.
  virtual Status Delete(const MachineSpec& spec) = 0;
  /// The machine's real state.
  virtual Result<MachineState> State(const MachineSpec& spec) = 0;
  /// The node's IP address as seen by other nodes (known before Start for some drivers).
  virtual Result<std::string> NodeIP(const MachineSpec& spec) = 0;
  /// Where the host reaches the API server.
  virtual Result<Endpoint> ApiEndpoint(const MachineSpec& spec) = 0;
  /// Freezes the whole machine, the cluster's containers and control plane with it (minikube's
  /// pause also stops the API server), or thaws it. kUnimplemented for drivers without it.
  virtual Status Pause(const MachineSpec& spec, bool paused) {
    (void)spec;
    (void)paused;
    return Error(Code::kUnimplemented, "this driver cannot pause its machine");
  }
  /// Whether a running machine is paused.
  virtual bool Paused(const MachineSpec& spec) {
    (void)spec;
    return false;
  }
  /// The host command that runs `command` in the machine, or an interactive shell when it is
  /// empty (`mini ssh`). kUnimplemented for drivers without one.
  virtual Result<std::vector<std::string>> ShellCommand(const MachineSpec& spec,
                                                        const std::vector<std::string>& command) {
    (void)spec;
    (void)command;
    return Error(Code::kUnimplemented, "this driver has no shell into its machine");
  }
  /// Whether Start shares `spec.mounts` into the machine itself (virtio 9p devices on the
  /// VM's command line). When false, the lifecycle shares them once the machine is up, with a
  /// background `mini mount` per directory; the driver must then offer ShellCommand and
  /// RouteToHost, and Start never sees the mounts.
  virtual bool SharesAtStart() const { return true; }
  /// Where a host server must listen for the running machine to reach it, and the address the
  /// machine dials. kUnimplemented for drivers without such a route.
  virtual Result<HostRoute> RouteToHost(const MachineSpec& spec) {
    (void)spec;
    return Error(Code::kUnimplemented, "this driver has no route from its machine to the host");
  }
};
using DriverPtr = std::unique_ptr<Driver>;

}  // namespace mini::vm
