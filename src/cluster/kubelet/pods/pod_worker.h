// One pod on this node: its sandbox (network, shared files, volumes), its containers run in
// Kubernetes' order (init containers one by one to success, then the app containers), restarts
// by the pod's restartPolicy with the crash-loop back-off (10 s doubling to 5 min, reset after
// 10 min of running), and the status a real kubelet reports. Sync is idempotent: it looks at
// what runs, does the next step, and returns the status; the pod manager calls it again.
// Probes run on the prober's threads and hooks and kills in the background; Sync only reads
// their outcome, so one pod's slow hook or long grace period never holds up the others.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <string>

#include "cluster/client/event_recorder.h"
#include "cluster/kubelet/network/pod_network.h"
#include "cluster/kubelet/pods/container_config.h"
#include "cluster/kubelet/prober/prober.h"
#include "cluster/kubelet/volumes/volume_manager.h"
#include "cluster/runtime/containers/container_manager.h"
#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/pull_policy.h"

namespace mini::cluster::kubelet::pods {

/// What the worker needs of the node, shared by all pods.
struct NodeServices {
  runtime::containers::ContainerManager* containers;
  runtime::image::ImageStore* images;
  network::PodNetwork* network;
  std::filesystem::path pods_dir;  // <pods_dir>/<uid>/ per pod, in memory (see run_dir.h)
  std::filesystem::path logs_dir;  // <logs_dir>/<namespace>_<name>_<uid>/<container>/<n>.log
  std::string host_ip;
  EnvSources env;  // ConfigMaps, Secrets and node capacity for containers' environments
  /// Fetches images the store lacks; nullptr: pulls fail with ErrImagePull.
  runtime::image::Puller* puller = nullptr;
  volumes::VolumeApi* volume_api = nullptr;  // claims and tokens for the pods' volumes
  prober::Prober* prober = nullptr;        // nullptr: probes are not run
  prober::ActionRunner* actions = nullptr;  // runs lifecycle hooks; nullptr: hooks are not run
  client::EventRecorder* events = nullptr;   // the pods' events; nullptr: none are written
  /// <disk_dir>/<uid>/volumes/<name>: emptyDir volumes on disk; empty: in the pod's directory.
  std::filesystem::path disk_dir;
};

/// Stops a container the way the kubelet does: its preStop hook first, then SIGTERM and
/// SIGKILL once what the hook left of `grace` has passed.
Status StopContainer(runtime::containers::ContainerManager& containers,
                     prober::ActionRunner* actions, const std::optional<prober::Action>& pre_stop,
                     const prober::ActionTarget& target, std::chrono::milliseconds grace);

/// Which probes gate the named container's started and ready.
struct ProbeGates {
  bool startup = false;
  bool readiness = false;
};
ProbeGates ProbeGatesOf(const boost::json::object& pod, const std::string& container);

class PodWorker {
 public:
  PodWorker(NodeServices node, std::string uid) : node_(node), uid_(std::move(uid)) {}

  /// Brings the pod one step closer to its spec and returns its status.
  boost::json::object Sync(const boost::json::object& pod);
  /// Stops every container (SIGTERM, then SIGKILL after `grace`) and removes the sandbox.
  Status Terminate(std::chrono::milliseconds grace);
  /// Takes over a container found on the node after a restart.
  void Adopt(const std::string& name, const std::string& id, int restart_count);

 private:
  struct Container {
    std::string id;  // the current instance; empty before the first start
    int restarts = 0;
    std::string waiting_reason;  // why it is not running (ErrImagePull, CrashLoopBackOff...)
    std::string waiting_message;
    std::optional<boost::json::object> last_state;  // the previous instance's terminated state
    std::string start_error;  // the runtime's words when the current instance could not start
    std::chrono::steady_clock::time_point retry_at{};
    std::chrono::seconds backoff{0};       // the crash-loop delay of the next restart
    std::chrono::seconds delay{0};         // the delay the current wait uses
    std::chrono::seconds pull_backoff{0};  // between image attempts
    std::string exit_seen;  // the instance whose exit set the current wait
    // Lifecycle (pod_worker_lifecycle.cc): a postStart hook or a kill runs in the background
    // for the current instance, so the pod manager's loop never waits for one.
    std::future<std::string> background;  // its error, if any
    std::optional<prober::Action> pre_stop;
    std::string hooks_of;  // the instance pre_stop was read for
    std::string message_of;  // the instance termination_message was read for
    std::string termination_message;
    uint64_t probe_failures_reported = 0;  // of the current instance, as Unhealthy events
    std::string backoff_reported;          // the instance whose crash-loop wait was reported
    std::string hook_container;            // the container's name, for its hooks' events
  };

  Status EnsureSandbox(const boost::json::object& pod);
  /// Starts, restarts or leaves one container; true when it has run to successful completion.
  bool Step(const boost::json::object& pod, const boost::json::object& spec, bool init);
  void Start(const boost::json::object& pod, const boost::json::object& spec, Container& c);
  // Lifecycle, probes and exits (pod_worker_lifecycle.cc).
  /// Right after a start: remembers the preStop hook, runs the postStart hook, starts probing.
  void AfterStart(const boost::json::object& pod, const boost::json::object& spec, Container& c);
  /// True while a hook or a kill runs for the current instance; collects its outcome.
  bool Busy(Container& c);
  /// A running container: keeps its probes going and kills it when liveness says so.
  void Supervise(const boost::json::object& pod, const boost::json::object& spec, Container& c,
                 const runtime::containers::ContainerState& state);
  /// An exited container: reads its termination message once (before a restart replaces the
  /// file, and before a status reports the exit).
  void CaptureExit(const boost::json::object& pod, const std::string& name, Container& c,
                   const runtime::containers::ContainerState& state);
  /// Kills the current instance in the background: preStop, SIGTERM, SIGKILL after `grace`.
  void KillInBackground(Container& c, std::chrono::milliseconds grace);
  boost::json::object StatusOf(const boost::json::object& pod);
  boost::json::object ContainerStatus(const boost::json::object& spec, Container& c, bool init);
  std::string LogPath(const boost::json::object& pod, const std::string& name, int n) const;
  /// An event about the pod, or about one of its containers when `container` is given.
  void Event(const std::string& container, std::string_view type, std::string_view reason,
             std::string message);

  NodeServices node_;
  std::string uid_;
  volumes::VolumeManager volumes_{{node_.env, node_.volume_api}, node_.pods_dir / uid_,
                                  std::chrono::seconds(3), node_.disk_dir / uid_};
  std::optional<Sandbox> sandbox_;
  std::string sandbox_error_;
  std::string mount_error_;  // the volume failure last reported
  std::map<std::string, Container> containers_;
  std::string start_time_;
  client::ObjectReference reference_;  // the pod as last seen, for its events
  std::map<std::string, bool> init_;   // whether a container name is an init container's
};

}  // namespace mini::cluster::kubelet::pods
