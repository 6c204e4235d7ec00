// Containers on this node, the way the kubelet sees them through a CRI runtime: start one from
// an image in the store (overlay root, OCI bundle, a detached shim running crun), read its
// state, stop it with a grace period, remove it. Everything lives under one directory per
// container, so after a restart the node finds its containers again instead of starting
// duplicates.
//
//   <root>/<id>/meta.json       who the container belongs to (labels) and its image
//   <root>/<id>/bundle/         config.json and the mounted root (rootfs/)
//   <root>/<id>/upper, work     the overlay's writable layer
//   <root>/<id>/start, exit.json   written by the shim
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/init_layer.h"
#include "cluster/runtime/image/overlay.h"
#include "cluster/runtime/oci/spec.h"
#include "common/process.h"
#include "common/status.h"

namespace mini::cluster::runtime::containers {

struct ContainerRequest {
  std::string id;  // unique on the node; names the crun container too
  std::string image;  // a reference the store has (the kubelet ensured it)
  /// The process and its environment; rootfs is filled in here. Empty args mean the image's
  /// entrypoint and cmd.
  oci::ContainerConfig config;
  std::map<std::string, std::string> labels;  // e.g. pod uid, container name, restart count
  std::filesystem::path log_path;
};

struct ContainerState {
  enum class Phase { kCreated, kRunning, kExited };
  Phase phase = Phase::kCreated;
  int pid = 0;
  int exit_code = 0;
  std::string started_at;   // RFC 3339
  std::string finished_at;
  std::string image_id;     // "sha256:..."
  std::map<std::string, std::string> labels;
  bool oom_killed = false;  // the kernel's OOM killer ended it (its cgroup counted a kill)
};

/// A command run inside a running container (probes, hooks, kubectl exec).
struct ExecRequest {
  std::string id;
  std::vector<std::string> argv;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  size_t max_output = 10 * 1024;  // the rest of a chatty command's output is dropped
};

struct ExecResult {
  int exit_code = 0;   // 128+N when killed by signal N
  std::string output;  // stdout and stderr interleaved, at most max_output bytes
};

struct ContainerManagerOptions {
  std::filesystem::path root;       // per-container state: bundle, start and exit records
  std::filesystem::path crun_root;  // crun's state
  /// The command that runs a container's shim: {"<dir>/mini-shim"} or {"<mini>", "shim"}.
  std::vector<std::string> shim;
  std::chrono::milliseconds start_timeout{std::chrono::seconds(20)};
  /// Where containers' writable layers go, when `root` is memory (a tmpfs that a reboot
  /// empties) and what containers write should be on disk; empty: beside the state in `root`.
  std::filesystem::path layers_root;
  /// The crun executable; see oci::SealedRuntime for why it may be a read-only mount.
  std::string crun = "crun";
  /// Mount points nearly every container gets, made once per image in an init layer under
  /// `init_layers_root` (image::InitLayers) rather than in each container's writable layer.
  std::vector<image::MountPoint> mount_points;
  std::filesystem::path init_layers_root;
};

class ContainerManager {
 public:
  ContainerManager(ContainerManagerOptions options, image::ImageStore& images,
                   image::MounterPtr mounter);

  /// Starts the container and returns once it runs. A command that cannot start is
  /// kFailedPrecondition with the runtime's words (the kubelet's StartError); its directory
  /// stays so its state can be read, until Remove.
  Status Start(const ContainerRequest& request);
  Result<ContainerState> State(const std::string& id) const;
  /// SIGTERM, then SIGKILL after `grace`; returns once the container has exited.
  Status Stop(const std::string& id, std::chrono::milliseconds grace);
  /// Stops it if needed, then deletes the crun container, the root and the directory.
  Status Remove(const std::string& id);
  /// Deletes the writable layers of containers whose state is gone (a reboot emptied it) and
  /// releases their images, and those of any other user of an image that is not a container
  /// here (one that went down with the machine before its layer existed).
  void RemoveOrphans();
  /// Runs a command in the running container. kFailedPrecondition when it does not run,
  /// kDeadlineExceeded after the timeout (the runtime's exec is killed; a process it started
  /// that outlives it stays in the container until the container ends). A command that cannot
  /// be found is a result (an exit code and the runtime's words), as it is for the kubelet.
  Result<ExecResult> Exec(const ExecRequest& request) const;
  /// Every container on the node, by id.
  std::vector<std::string> List() const;

 private:
  std::filesystem::path Dir(const std::string& id) const { return options_.root / id; }
  std::filesystem::path LayerDir(const std::string& id) const {
    return options_.layers_root.empty() ? Dir(id) : options_.layers_root / id;
  }
  Status Signal(const std::string& id, const char* signal) const;
  /// Waits briefly for the container's shim to end and reaps it, if it was started here.
  void ReapShim(const std::string& id);

  ContainerManagerOptions options_;
  image::ImageStore& images_;
  image::MounterPtr mounter_;
  std::unique_ptr<image::InitLayers> init_layers_;  // when there are mount points to make
  // The shims started here, so that Remove reaps the one that has ended: this process is its
  // parent until the agent restarts (then init or a subreaper inherits it).
  ProcessesPtr processes_ = NewSystemProcesses();
  std::mutex shims_mu_;
  std::map<std::string, ProcessId> shims_;  // by container id
};

/// The argv a container runs: the pod's command and args over the image's entrypoint and cmd,
/// as Kubernetes combines them.
std::vector<std::string> ResolveCommand(const std::vector<std::string>& command,
                                        const std::vector<std::string>& args,
                                        const image::ImageConfig& image);

}  // namespace mini::cluster::runtime::containers
