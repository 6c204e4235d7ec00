#include "cluster/kubelet/prober/prober.h"

#include <spdlog/spdlog.h>

namespace mini::cluster::kubelet::prober {

Prober::~Prober() {
  std::map<Key, Watched> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(watched_);
  }
  // The threads stop and join here, outside the lock.
}

void Prober::Watch(const std::string& pod_uid, const std::string& name, const std::string& id,
                   ContainerProbeSpecs specs, ActionTarget target, Clock::time_point started) {
  Watched replaced;
  {
    std::lock_guard lock(mutex_);
    auto it = watched_.find({pod_uid, name});
    if (it != watched_.end() && it->second.id == id) return;
    if (it != watched_.end()) replaced = std::move(it->second);
    Watched& w = watched_[{pod_uid, name}];
    w = Watched{id, std::make_shared<Shared>(std::move(specs), started), {}};
    for (ProbeType type : {ProbeType::kStartup, ProbeType::kLiveness, ProbeType::kReadiness}) {
      if (!w.shared->state.Spec(type)) continue;
      w.threads.emplace_back(&Prober::Loop, w.shared, type, target, std::ref(runner_));
    }
  }
}

std::optional<ProbeVerdict> Prober::Verdict(const std::string& pod_uid, const std::string& name,
                                            const std::string& id) const {
  std::shared_ptr<Shared> shared;
  {
    std::lock_guard lock(mutex_);
    auto it = watched_.find({pod_uid, name});
    if (it == watched_.end() || it->second.id != id) return std::nullopt;
    shared = it->second.shared;
  }
  std::lock_guard lock(shared->mutex);
  return shared->state.Verdict();
}

void Prober::Forget(const std::string& pod_uid) {
  std::vector<Watched> gone;
  {
    std::lock_guard lock(mutex_);
    for (auto it = watched_.begin(); it != watched_.end();) {
      if (it->first.first != pod_uid) {
        ++it;
        continue;
      }
      gone.push_back(std::move(it->second));
      it = watched_.erase(it);
    }
  }
}

void Prober::Loop(std::stop_token stop, std::shared_ptr<Shared> shared, ProbeType type,
                  ActionTarget target, ActionRunner& runner) {
  std::unique_lock lock(shared->mutex);
  while (!stop.stop_requested()) {
    std::optional<Clock::time_point> next = shared->state.NextAt(type);
    uint64_t seen = shared->version;
    auto changed = [&] { return shared->version != seen; };
    if (!next) {
      shared->changed.wait(lock, stop, changed);
      continue;
    }
    if (Clock::now() < *next) {
      shared->changed.wait_until(lock, stop, *next, changed);
      continue;
    }
    ProbeSpec spec = *shared->state.Spec(type);
    lock.unlock();
    ActionResult result = runner.Run(spec.action, target, spec.timeout);
    lock.lock();
    if (stop.stop_requested()) break;
    if (!result.success) {
      spdlog::debug("{} probe of container {} failed: {}", ProbeName(type), target.container_id,
                    result.message);
    }
    shared->state.Record(type, result.success, result.message, Clock::now());
    ++shared->version;
    shared->changed.notify_all();
  }
}

}  // namespace mini::cluster::kubelet::prober
