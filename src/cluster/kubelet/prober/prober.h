// Runs the probes of the node's containers: one thread per probe of each container instance,
// sleeping until its next run, so a slow probe delays only itself and never a pod's sync. The
// pod worker starts watching a container when it runs, reads the verdict on each sync and
// forgets the pod when it ends.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/kubelet/prober/probe_state.h"
#include "cluster/kubelet/prober/runner.h"

namespace mini::cluster::kubelet::prober {

class Prober {
 public:
  explicit Prober(ActionRunner& runner) : runner_(runner) {}
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  /// Probes this instance of the pod's container from now on, in place of an earlier one;
  /// nothing when it is already watched. `started` is when the container started running.
  void Watch(const std::string& pod_uid, const std::string& name, const std::string& id,
             ContainerProbeSpecs specs, ActionTarget target, Clock::time_point started);
  /// The latest verdict on that instance; nullopt when it is not watched.
  std::optional<ProbeVerdict> Verdict(const std::string& pod_uid, const std::string& name,
                                      const std::string& id) const;
  /// Stops probing every container of the pod.
  void Forget(const std::string& pod_uid);

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable_any changed;
    uint64_t version = 0;  // bumped on each result, so held-back probes look again
    ContainerProbeState state;
    Shared(ContainerProbeSpecs specs, Clock::time_point started)
        : state(std::move(specs), started) {}
  };
  struct Watched {
    std::string id;
    std::shared_ptr<Shared> shared;
    std::vector<std::jthread> threads;  // stopped and joined when the entry goes
  };
  using Key = std::pair<std::string, std::string>;  // pod uid, container name

  static void Loop(std::stop_token stop, std::shared_ptr<Shared> shared, ProbeType type,
                   ActionTarget target, ActionRunner& runner);

  ActionRunner& runner_;
  mutable std::mutex mutex_;
  std::map<Key, Watched> watched_;
};

}  // namespace mini::cluster::kubelet::prober
