// The lessor: which leases exist, when each expires and which keys each holds, plus the timer
// that finds expired leases. It never deletes anything itself: expired leases are handed to a
// callback that revokes them through the store's normal write path, so the deletions get
// revisions, reach watchers and are persisted like any other write.
//
// Thread-safe. Grant, Revoke, Attach and Detach are called by the committer only, after a
// batch is durable, so the lease table always matches the index.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cluster/store/backend.h"

namespace mini::store::mvcc {

class Lessor {
 public:
  using Clock = std::chrono::steady_clock;
  using ExpireFn = std::function<void(std::vector<LeaseId>)>;

  Lessor() = default;
  ~Lessor();
  Lessor(const Lessor&) = delete;
  Lessor& operator=(const Lessor&) = delete;

  /// Adds a lease that expires `ttl` from now.
  void Grant(LeaseId id, std::chrono::seconds ttl);
  /// Forgets the lease (its keys are deleted by the caller first).
  void Revoke(LeaseId id);
  /// Whether the lease is in the table, expired or not: an expired lease stays until its
  /// revocation commits, and keys may still be attached to it meanwhile.
  bool Exists(LeaseId id) const;
  /// Restarts the TTL; kNotFound when unknown or already expired (its revocation pending).
  Status KeepAlive(LeaseId id);

  /// The keys written with the lease whose newest version still carries it.
  std::vector<std::string> Keys(LeaseId id) const;
  void Attach(LeaseId id, const std::string& key);
  void Detach(LeaseId id, const std::string& key);

  /// Leases whose deadline is at or before `now`.
  std::vector<LeaseId> Expired(Clock::time_point now) const;

  /// Checks for expired leases every `interval` on a thread of its own and passes them to
  /// `expire`, which revokes them (and may block until it has).
  void StartTimer(std::chrono::milliseconds interval, ExpireFn expire);
  /// Stops and joins the timer; no `expire` call follows. Idempotent.
  void StopTimer();

 private:
  struct Lease {
    std::chrono::seconds ttl{0};
    Clock::time_point deadline;
    std::set<std::string> keys;
  };
  std::vector<LeaseId> ExpiredLocked(Clock::time_point now) const;
  void RunTimer(std::chrono::milliseconds interval, const ExpireFn& expire);

  mutable std::mutex mu_;
  std::unordered_map<LeaseId, Lease> leases_;
  std::condition_variable timer_cv_;  // signals stopping_
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace mini::store::mvcc
