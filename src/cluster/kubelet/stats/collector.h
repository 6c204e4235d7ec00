// The node's stats source for the metrics API: samples the node's and every running
// container's cumulative CPU time and memory, and turns the last two samples into usage.
//
// Like metrics-server, it measures every 10 s and reports the window between its last two
// samples. A container (or the node) that has no window yet is sampled again after one short
// tick (1 s), so `kubectl top` works about a second after a pod starts instead of after a
// whole interval; that first window is 1 s long and the following ones are 10 s.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/apiserver/rest/metrics.h"
#include "cluster/kubelet/stats/cgroup_stats.h"
#include "cluster/kubelet/stats/rate.h"
#include "cluster/runtime/containers/container_manager.h"

namespace mini::cluster::kubelet::stats {

struct RunningContainer {
  std::string id;
  std::string pod_uid;
  std::string name;  // the container's name in the pod
  int pid = 0;
};

struct CollectorOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(10)};
  std::chrono::milliseconds tick{std::chrono::seconds(1)};  // also the first window
  std::filesystem::path proc = "/proc";
  std::filesystem::path cgroup_root = "/sys/fs/cgroup";
};

class StatsCollector final : public apiserver::rest::NodeStatsSource {
 public:
  using Lister = std::function<std::vector<RunningContainer>()>;

  explicit StatsCollector(Lister containers, CollectorOptions options = {});
  ~StatsCollector() override;
  StatsCollector(const StatsCollector&) = delete;
  StatsCollector& operator=(const StatsCollector&) = delete;

  /// Samples on a thread of its own, every tick, until Stop.
  void Start();
  void Stop();
  /// One round: samples what is due at `now`. The thread calls this; tests call it directly.
  void Collect(std::chrono::steady_clock::time_point now,
               std::chrono::system_clock::time_point wall);

  std::optional<apiserver::rest::NodeUsage> Node() const override;
  std::optional<apiserver::rest::PodUsage> Pod(const std::string& uid) const override;

 private:
  struct Tracked {
    std::string pod_uid;
    std::string name;
    std::optional<CgroupDirs> dirs;  // found once, from the container's init process
    Series series;
  };

  std::optional<Sample> SampleNode(std::chrono::steady_clock::time_point now,
                                   std::chrono::system_clock::time_point wall) const;
  void Loop();

  const Lister containers_;
  const CollectorOptions options_;

  mutable std::mutex mutex_;
  Series node_;
  std::map<std::string, Tracked> tracked_;  // by container id

  std::mutex loop_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// The running containers `manager` knows (those the kubelet started for pods).
std::vector<RunningContainer> RunningContainers(
    const runtime::containers::ContainerManager& manager);

}  // namespace mini::cluster::kubelet::stats
