#include "cluster/kubelet/stats/rate.h"

namespace mini::cluster::kubelet::stats {
using namespace std::chrono;

apiserver::rest::NodeUsage UsageBetween(const Sample& older, const Sample& newer) {
  apiserver::rest::NodeUsage usage;
  usage.timestamp = newer.wall;
  usage.window = duration_cast<milliseconds>(newer.time - older.time);
  const double seconds = duration<double>(newer.time - older.time).count();
  const int64_t cpu = newer.cpu_ns - older.cpu_ns;
  // CPU nanoseconds per second are nanocores.
  if (seconds > 0 && cpu > 0) usage.usage.cpu_nanocores = static_cast<int64_t>(cpu / seconds);
  usage.usage.memory_bytes = newer.memory_bytes;
  return usage;
}

bool Series::Due(steady_clock::time_point now, milliseconds interval) const {
  return !older_ || !newer_ || now - newer_->time >= interval;
}

void Series::Add(const Sample& sample) {
  older_ = newer_;
  newer_ = sample;
}

std::optional<apiserver::rest::NodeUsage> Series::Usage() const {
  if (!older_ || !newer_) return std::nullopt;
  return UsageBetween(*older_, *newer_);
}

}  // namespace mini::cluster::kubelet::stats
