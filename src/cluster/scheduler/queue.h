// The scheduling queue: pods waiting for a scheduling attempt, keyed "namespace/name".
// After Kubernetes' queue, a pod that did not fit waits among the unschedulable until
// something changes in the cluster (a node appears, a pod goes away) and then retries after
// its backoff, which doubles per failed attempt up to a cap. Nothing retries on a timer
// alone except the long periodic flush, so an unschedulable pod costs nothing while the
// cluster is idle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mini::cluster::scheduler {

struct QueueOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  /// How long a pod stays unschedulable without a cluster change before it is retried anyway.
  std::chrono::milliseconds unschedulable_flush{5 * 60 * 1000};
};

class SchedulingQueue {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SchedulingQueue(QueueOptions options) : options_(options) {}

  /// A pending pod was added or changed: it is tried soon (after its backoff when it
  /// failed before). No-op while it is being scheduled.
  void Add(const std::string& key);
  /// The pod is gone or bound: forget it, including its failure count.
  void Delete(const std::string& key);
  /// The attempt for `key` (from Pop) found no node. It waits for a cluster change, or only
  /// for its backoff when a change already happened during the attempt.
  void Unschedulable(const std::string& key);
  /// The attempt failed for a reason of its own (an API error): retry after the backoff.
  void Retry(const std::string& key);
  /// The attempt for `key` ended with the pod bound (or no longer pending).
  void Done(const std::string& key);
  /// Something changed that could let waiting pods fit: they retry once their backoff ends.
  void MoveAllToActive();

  /// Blocks until a pod is due, or nullopt once Close was called.
  std::optional<std::string> Pop();
  void Close();

  /// Pods queued, backing off or unschedulable (not the one being scheduled).
  size_t Waiting() const;

 private:
  enum class State { kActive, kBackoff, kUnschedulable, kInFlight };
  struct Entry {
    State state = State::kActive;
    int attempts = 0;
    Clock::time_point backoff_until{};
    Clock::time_point failed_at{};
    uint64_t popped_at_cycle = 0;
    bool changed_in_flight = false;  // the pod or the cluster changed during its attempt
  };
  void Activate(const std::string& key, Entry& entry);
  void Backoff(const std::string& key, Entry& entry, Clock::time_point now);
  void Promote(Clock::time_point now);
  std::optional<Clock::time_point> NextWake() const;

  const QueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
  std::deque<std::string> active_;
  uint64_t move_cycle_ = 0;  // counts MoveAllToActive calls
  bool closed_ = false;
};

}  // namespace mini::cluster::scheduler
