// The verdicts of one container instance's probes, as the kubelet keeps them: each probe
// runs initialDelaySeconds after the container started and then every periodSeconds; its
// verdict changes after successThreshold successes or failureThreshold failures in a row. A
// startup probe holds the others back until it succeeds. Readiness starts as not ready,
// liveness as alive. Pure and clock-free (times are passed in), so every rule is tested
// without threads; Prober runs it.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "cluster/kubelet/prober/action.h"

namespace mini::cluster::kubelet::prober {

using Clock = std::chrono::steady_clock;

enum class ProbeType { kStartup = 0, kLiveness = 1, kReadiness = 2 };
std::string_view ProbeName(ProbeType type);  // "Startup", "Liveness", "Readiness"

struct ContainerProbeSpecs {
  std::optional<ProbeSpec> startup, liveness, readiness;
  bool empty() const { return !startup && !liveness && !readiness; }
};

/// What the pod worker reads.
struct ProbeVerdict {
  bool started = true;  // the startup probe succeeded, or there is none
  bool ready = true;    // started and the readiness probe succeeded, or there is none
  /// Set when a liveness or startup probe failed for good: the container must be killed.
  std::optional<std::string> kill_reason;
  std::chrono::seconds kill_grace{-1};  // the probe's terminationGracePeriodSeconds; -1: the pod's
  uint64_t failed_runs = 0;  // every failed run of any probe, for the Unhealthy events
  std::string last_failure;  // "Readiness probe failed: ..." of the latest one
};

class ContainerProbeState {
 public:
  ContainerProbeState(ContainerProbeSpecs specs, Clock::time_point started);

  /// When the probe should run next; nullopt when it is not configured, is held back by the
  /// startup probe, or has nothing more to decide (startup succeeded, a kill is due).
  std::optional<Clock::time_point> NextAt(ProbeType type) const;
  void Record(ProbeType type, bool success, const std::string& message, Clock::time_point now);
  ProbeVerdict Verdict() const;
  const std::optional<ProbeSpec>& Spec(ProbeType type) const;

 private:
  struct Tracker {
    std::optional<bool> result;       // nullopt: no verdict yet
    int successes = 0, failures = 0;  // in a row
    std::optional<Clock::time_point> last_run;
    std::string message;
  };
  uint64_t failed_runs_ = 0;
  std::string last_failure_;
  bool Started() const;

  ContainerProbeSpecs specs_;
  Clock::time_point started_;
  std::array<Tracker, 3> trackers_;
};

}  // namespace mini::cluster::kubelet::prober
