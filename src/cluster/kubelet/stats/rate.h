// CPU usage is a rate: the growth of a cumulative CPU-time counter over a window of time, as
// metrics-server computes it from two scrapes. Memory is a level, taken at the window's end.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "cluster/apiserver/rest/metrics.h"

namespace mini::cluster::kubelet::stats {

struct Sample {
  std::chrono::steady_clock::time_point time;  // for the window's length
  std::chrono::system_clock::time_point wall;  // for its timestamp
  int64_t cpu_ns = 0;
  int64_t memory_bytes = 0;
};

/// Usage over [older, newer]: a counter that went backwards (a new cgroup under the same
/// name) counts as idle rather than as a huge negative rate.
apiserver::rest::NodeUsage UsageBetween(const Sample& older, const Sample& newer);

/// The last two samples of one container or of the node.
class Series {
 public:
  /// Sample now? At once until there is a first window, so a new container gets one after
  /// a single short tick; then once the newest sample is `interval` old.
  bool Due(std::chrono::steady_clock::time_point now, std::chrono::milliseconds interval) const;
  void Add(const Sample& sample);
  /// nullopt until there are two samples.
  std::optional<apiserver::rest::NodeUsage> Usage() const;

 private:
  std::optional<Sample> older_, newer_;
};

}  // namespace mini::cluster::kubelet::stats
