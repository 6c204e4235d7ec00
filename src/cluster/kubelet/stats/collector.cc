#include "cluster/kubelet/stats/collector.h"

#include <unistd.h>

#include "cluster/kubelet/stats/proc_stats.h"
#include "common/files.h"

namespace mini::cluster::kubelet::stats {
using namespace std::chrono;
using apiserver::rest::NodeUsage;
using apiserver::rest::PodUsage;

StatsCollector::StatsCollector(Lister containers, CollectorOptions options)
    : containers_(std::move(containers)), options_(std::move(options)) {}

StatsCollector::~StatsCollector() { Stop(); }

void StatsCollector::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void StatsCollector::Stop() {
  {
    std::lock_guard lock(loop_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatsCollector::Loop() {
  std::unique_lock lock(loop_mutex_);
  do {
    lock.unlock();
    Collect(steady_clock::now(), system_clock::now());
    lock.lock();
  } while (!wake_.wait_for(lock, options_.tick, [this] { return stopping_; }));
}

std::optional<Sample> StatsCollector::SampleNode(steady_clock::time_point now,
                                                 system_clock::time_point wall) const {
  auto stat = ReadFile(options_.proc / "stat");
  auto meminfo = ReadFile(options_.proc / "meminfo");
  if (!stat.ok() || !meminfo.ok()) return std::nullopt;
  auto cpu = BusyCpuNanoseconds(*stat, sysconf(_SC_CLK_TCK));
  auto memory = MemoryInUse(*meminfo);
  if (!cpu.ok() || !memory.ok()) return std::nullopt;
  return Sample{now, wall, *cpu, *memory};
}

void StatsCollector::Collect(steady_clock::time_point now, system_clock::time_point wall) {
  std::vector<RunningContainer> running = containers_();
  std::lock_guard lock(mutex_);
  if (node_.Due(now, options_.interval)) {
    if (auto sample = SampleNode(now, wall)) node_.Add(*sample);
  }
  std::map<std::string, Tracked> kept;
  for (const RunningContainer& container : running) {
    auto found = tracked_.find(container.id);
    Tracked tracked = found != tracked_.end() ? std::move(found->second)
                                              : Tracked{container.pod_uid, container.name, {}, {}};
    if (!tracked.dirs) {
      if (auto text = ReadFile(options_.proc / std::to_string(container.pid) / "cgroup");
          text.ok()) {
        if (auto dirs = CgroupDirsOf(*text, options_.cgroup_root); dirs.ok()) tracked.dirs = *dirs;
      }
    }
    if (tracked.dirs && tracked.series.Due(now, options_.interval)) {
      // A container that just ended fails here; it leaves the list on the next round.
      if (auto usage = ReadCgroupUsage(*tracked.dirs); usage.ok()) {
        tracked.series.Add({now, wall, usage->cpu_ns, usage->memory_working_set_bytes});
      }
    }
    kept.emplace(container.id, std::move(tracked));
  }
  tracked_ = std::move(kept);
}

std::optional<NodeUsage> StatsCollector::Node() const {
  std::lock_guard lock(mutex_);
  return node_.Usage();
}

std::optional<PodUsage> StatsCollector::Pod(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  std::optional<PodUsage> pod;
  for (const auto& [id, tracked] : tracked_) {
    if (tracked.pod_uid != uid) continue;
    auto usage = tracked.series.Usage();
    if (!usage) continue;
    if (!pod) pod.emplace();
    pod->timestamp = std::max(pod->timestamp, usage->timestamp);
    pod->window = std::max(pod->window, usage->window);
    pod->containers[tracked.name] = usage->usage;
  }
  return pod;
}

std::vector<RunningContainer> RunningContainers(
    const runtime::containers::ContainerManager& manager) {
  using Phase = runtime::containers::ContainerState::Phase;
  std::vector<RunningContainer> running;
  for (const std::string& id : manager.List()) {
    auto state = manager.State(id);
    if (!state.ok() || state->phase != Phase::kRunning || state->pid <= 0) continue;
    auto uid = state->labels.find("io.kubernetes.pod.uid");
    auto name = state->labels.find("io.kubernetes.container.name");
    if (uid == state->labels.end() || name == state->labels.end()) continue;
    running.push_back({id, uid->second, name->second, state->pid});
  }
  return running;
}

}  // namespace mini::cluster::kubelet::stats
