// The pods bound to this node: it watches them, keeps one PodWorker per pod, syncs every pod
// each second (and a pod soon after its object changes) on a pool of threads, one sync per pod at a time so
// that a slow pod (an image pull, a container that takes long to start) holds up no other,
// writes their status when it changed, and tears down what belongs to pods that are gone. A pod
// marked for deletion (graceful deletion) gets its grace period to stop, and is then deleted
// for good. At start it adopts the containers already running (an agent restart); at Stop it
// stops every container, as a machine that shuts down does, so the pods start afresh with the
// node.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/client/informer.h"
#include "cluster/kubelet/pods/pod_worker.h"

namespace mini::cluster::kubelet::pods {

struct PodManagerOptions {
  std::string node_name;
  NodeServices services;
  std::chrono::milliseconds resync{1000};
  int sync_threads = 8;  // pods synced at once: their time goes mostly to waiting on processes
};

class PodManager {
 public:
  PodManager(client::Client& client, PodManagerOptions options);
  ~PodManager();

  Status Start();
  void Stop();

 private:
  // One pod's worker and what was last reported of it. While `syncing`, only the sync in
  // progress touches the worker and `reported`.
  struct Pod {
    std::shared_ptr<PodWorker> worker;
    boost::json::object reported;
    std::chrono::milliseconds grace{0};
    bool syncing = false;
    bool again = false;     // changed while syncing: look again when the sync ends
    bool deleting = false;  // marked for deletion: its containers are being stopped
    std::pair<std::string, std::string> where;  // namespace and name, as last seen
  };
  /// Pods whose objects changed: uid -> (namespace, name).
  using Changes = std::map<std::string, std::pair<std::string, std::string>>;
  using PodPtr = std::shared_ptr<Pod>;

  void Loop();
  /// Syncs the pods in `changed`, or every pod when it is null, and retires those gone.
  void SyncPods(const Changes* changed);
  void SyncPod(const PodPtr& entry, const boost::json::object& pod);
  void RunSyncs();
  /// A pod marked for deletion: stops its containers within its grace period in the
  /// background, then deletes it from the API for good.
  void Finish(const PodPtr& entry, const boost::json::object& pod);
  void Adopt();
  PodPtr& Entry(const std::string& uid);

  client::Client& client_;
  PodManagerOptions options_;
  // Made here unless the options bring them; they outlive every worker.
  std::unique_ptr<prober::ActionRunner> actions_;
  std::unique_ptr<prober::Prober> prober_;
  std::unique_ptr<client::Informer> informer_;
  std::vector<std::future<void>> terminating_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable work_;
  std::map<std::string, PodPtr> pods_;       // by uid; guarded by mutex_
  std::deque<std::function<void()>> syncs_;  // waiting for a sync thread; guarded by mutex_
  bool stopping_ = false;
  bool dirty_ = false;
  Changes changed_;  // since the last pass; guarded by mutex_
  std::thread thread_;
  std::vector<std::thread> sync_threads_;
};

}  // namespace mini::cluster::kubelet::pods
