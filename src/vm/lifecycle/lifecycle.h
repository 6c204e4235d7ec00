// The machine lifecycle: what `mini start/stop/delete/status/update-context` do to a profile,
// against any driver. Commands hold no orchestration; they build a request and call these.
//
// Every mutating operation holds the profile's lock, so two mini processes never interleave
// their changes to one profile; reads (status) take no lock and read atomically written files.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/process.h"
#include "common/status.h"
#include "vm/driver_registry.h"
#include "vm/home.h"
#include "vm/profile.h"

namespace mini::vm {

struct Context {
  Home home;
  const DriverRegistry* drivers = nullptr;
  std::filesystem::path kubeconfig;
  /// Progress for the user, one line per step.
  std::function<void(const std::string&)> say = [](const std::string&) {};
  /// How long to wait for another mini process working on the same profile.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(30)};
  /// Starts and watches the background `mini mount` processes of drivers that cannot share
  /// directories at boot.
  std::shared_ptr<Processes> processes = NewSystemProcesses();
};

struct StartRequest {
  ClusterConfig config;  // name and the resolved flags/defaults; driver may be empty (auto)
  /// The flags the user gave ("driver", "cpus", "memory", "disk-size", "apiserver-port"), so
  /// an existing profile can refuse or report a change it cannot apply instead of ignoring it.
  std::set<std::string> given;
  bool keep_context = false;
  /// What start waits for (--wait): nothing, the API server (the default), or the node too.
  enum class WaitFor { kNone, kApiServer, kNode } wait = WaitFor::kApiServer;
  std::chrono::milliseconds wait_timeout{std::chrono::minutes(6)};
  /// Shares --mount-string directories with background `mini mount` processes even when the
  /// driver could share them at boot: a test seam, so VM drivers that can boot here exercise
  /// the path a driver without boot-time shares (virtualbox) always takes.
  bool mounts_in_background = false;
};

Status StartCluster(const Context& ctx, const StartRequest& request);
Status StopCluster(const Context& ctx, const std::string& profile);
/// Removes the machine, the profile's files and its kubeconfig entries. A profile that does
/// not exist is not an error: whatever it left behind is removed all the same.
Status DeleteCluster(const Context& ctx, const std::string& profile);
/// Points the profile's kubeconfig entries at the running cluster again.
Status UpdateContext(const Context& ctx, const std::string& profile);

/// Freezes (`paused`) or thaws the profile's running machine.
Status PauseCluster(const Context& ctx, const std::string& profile, bool paused);

/// The host command that opens a shell in the profile's running machine, or runs `command`
/// there (`mini ssh`). kFailedPrecondition when the machine is not running.
Result<std::vector<std::string>> ShellCommand(const Context& ctx, const std::string& profile,
                                              const std::vector<std::string>& command);

/// `mini mount HOST:GUEST`: a host directory shared into the running machine over 9P.
struct MountRequest {
  std::filesystem::path host_dir;
  std::string guest_dir;  // absolute
  uint16_t port = 0;      // the file server's; 0: any free port
  uint32_t uid = 0;       // who the guest sees owning the serving user's files
  uint32_t gid = 0;
  uint32_t msize = 262144;  // the largest 9P message
};

/// Serves `request.host_dir` and mounts it in the machine, calls `wait` (which returns when
/// the user wants the mount gone), then unmounts it and stops serving. kFailedPrecondition
/// when the machine is not running or its driver has no route to the host (native: the node
/// is the host), kNotFound / kInvalidArgument for bad paths.
Status MountHostDir(const Context& ctx, const std::string& profile, const MountRequest& request,
                    const std::function<void()>& wait);

/// minikube's status fields. Values: Running, Stopped, Error, Nonexistent; Kubeconfig:
/// Configured, Misconfigured, or Stopped when the host is not running.
struct ClusterStatus {
  std::string name;
  std::string host;
  std::string kubelet;
  std::string apiserver;
  std::string kubeconfig;
  bool worker = false;

  /// minikube's exit-code bit field: 1 host, 2 cluster (kubelet or apiserver), 4 kubeconfig.
  int ExitCode() const;
};
Result<ClusterStatus> GetStatus(const Context& ctx, const std::string& profile);

}  // namespace mini::vm
