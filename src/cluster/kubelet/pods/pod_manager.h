// The pods bound to this node: it watches them, keeps one PodWorker per pod, syncs every pod
// each second (and soon after any change), writes their status when it changed, and tears
// down what belongs to pods that are gone. At start it adopts the containers already running
// (an agent restart); at Stop it stops every container, as a machine that shuts down does, so
// the pods start afresh with the node.
#pragma once

#include <chrono>
#include <condition_variable>
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
};

class PodManager {
 public:
  PodManager(client::Client& client, PodManagerOptions options);
  ~PodManager();

  Status Start();
  void Stop();

 private:
  void Loop();
  void SyncAll();
  void Adopt();

  client::Client& client_;
  PodManagerOptions options_;
  // Made here unless the options bring them; they outlive every worker.
  std::unique_ptr<prober::ActionRunner> actions_;
  std::unique_ptr<prober::Prober> prober_;
  std::unique_ptr<client::Informer> informer_;
  std::map<std::string, std::unique_ptr<PodWorker>> workers_;  // by pod uid
  std::map<std::string, boost::json::object> reported_;        // last status written
  std::map<std::string, std::chrono::milliseconds> grace_;     // each pod's termination grace
  std::vector<std::future<void>> terminating_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool dirty_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::kubelet::pods
