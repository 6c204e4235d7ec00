#include "cluster/kubelet/prober/probe_state.h"

#include <fmt/format.h>

namespace mini::cluster::kubelet::prober {

std::string_view ProbeName(ProbeType type) {
  switch (type) {
    case ProbeType::kStartup:
      return "Startup";
    case ProbeType::kLiveness:
      return "Liveness";
    case ProbeType::kReadiness:
      return "Readiness";
  }
  return "";
}

ContainerProbeState::ContainerProbeState(ContainerProbeSpecs specs, Clock::time_point started)
    : specs_(std::move(specs)), started_(started) {}

const std::optional<ProbeSpec>& ContainerProbeState::Spec(ProbeType type) const {
  switch (type) {
    case ProbeType::kStartup:
      return specs_.startup;
    case ProbeType::kLiveness:
      return specs_.liveness;
    case ProbeType::kReadiness:
      return specs_.readiness;
  }
  return specs_.readiness;
}

bool ContainerProbeState::Started() const { return !specs_.startup || trackers_[0].result == true; }

std::optional<Clock::time_point> ContainerProbeState::NextAt(ProbeType type) const {
  const std::optional<ProbeSpec>& spec = Spec(type);
  if (!spec || Verdict().kill_reason) return std::nullopt;
  if ((type == ProbeType::kStartup) == Started()) return std::nullopt;
  const Tracker& t = trackers_[static_cast<int>(type)];
  Clock::time_point first = started_ + spec->initial_delay;
  return t.last_run ? std::max(first, *t.last_run + spec->period) : first;
}

void ContainerProbeState::Record(ProbeType type, bool success, const std::string& message,
                                 Clock::time_point now) {
  const std::optional<ProbeSpec>& spec = Spec(type);
  if (!spec) return;
  Tracker& t = trackers_[static_cast<int>(type)];
  t.last_run = now;
  t.message = message;
  if (success) {
    t.failures = 0;
    // Liveness and startup probes need one success whatever the spec says, as in Kubernetes.
    int needed = type == ProbeType::kReadiness ? spec->success_threshold : 1;
    if (++t.successes >= needed) t.result = true;
  } else {
    t.successes = 0;
    if (++t.failures >= spec->failure_threshold) t.result = false;
    ++failed_runs_;
    last_failure_ = fmt::format("{} probe failed: {}", ProbeName(type), message);
  }
}

ProbeVerdict ContainerProbeState::Verdict() const {
  ProbeVerdict verdict;
  verdict.failed_runs = failed_runs_;
  verdict.last_failure = last_failure_;
  verdict.started = Started();
  const Tracker& readiness = trackers_[static_cast<int>(ProbeType::kReadiness)];
  verdict.ready = verdict.started && (!specs_.readiness || readiness.result == true);
  for (ProbeType type : {ProbeType::kStartup, ProbeType::kLiveness}) {
    const Tracker& t = trackers_[static_cast<int>(type)];
    if (Spec(type) && t.result == false) {
      verdict.kill_reason = fmt::format("{} probe failed: {}", ProbeName(type), t.message);
      if (Spec(type)->termination_grace) verdict.kill_grace = *Spec(type)->termination_grace;
      break;
    }
  }
  return verdict;
}

}  // namespace mini::cluster::kubelet::prober
