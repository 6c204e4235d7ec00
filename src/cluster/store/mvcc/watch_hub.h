// The watch hub: the change history since the compaction point and the watchers reading it.
//
// Every watcher has a cursor, the next revision it has not looked at. Delivery threads take a
// watcher with work, collect its matching changes from the cursor on, advance the cursor and
// call its sink outside the lock. A watcher is held by at most one delivery thread at a time,
// and a cursor only moves forward under the lock, so every change reaches a watcher once and
// in revision order. The committer only appends to the history, so a slow sink never slows
// writes; with several delivery threads it delays only itself until all threads are stuck.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/version.h"

namespace mini::store::mvcc {

class WatchHub : public std::enable_shared_from_this<WatchHub> {
 public:
  static constexpr size_t kDefaultThreads = 4;
  /// Most changes and (roughly) bytes handed to one OnEvents call.
  static constexpr size_t kMaxBatchEvents = 512;
  static constexpr size_t kMaxBatchBytes = 4 << 20;

  /// A running hub. `history` holds the changes after `compacted`, ascending; `current` is
  /// the newest revision the store has.
  static std::shared_ptr<WatchHub> Start(int64_t compacted, int64_t current,
                                         std::vector<Change> history,
                                         size_t threads = kDefaultThreads);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  /// Delivers every change at `from` or later that matches. `from` at or below the
  /// compaction point is kOutOfRange/kReasonCompacted: the change at the compaction point
  /// itself may already be incomplete (its predecessor is gone), so it is never replayed.
  Result<WatchPtr> Watch(const std::string& key, bool prefix, int64_t from,
                         std::shared_ptr<WatchSink> sink);
  /// Appends committed changes (consecutive, after every earlier one) and wakes watchers.
  void Publish(std::vector<Change> changes);
  /// Refuses new watches at or below `revision` and frees the history no one needs any more.
  /// A watcher still behind `revision` keeps its part of the history until it catches up.
  void Compact(int64_t revision);
  /// Stops the delivery threads; watchers end without another call. Idempotent. Must not be
  /// called from inside a sink (it joins the thread that runs it).
  void Shutdown();

  size_t HistorySize() const;

 private:
  struct Watcher;
  class Handle;

  WatchHub(int64_t compacted, int64_t current, std::vector<Change> history);
  void Run();
  /// Returns once no delivery to `watcher` is in progress (unless called from inside it) and
  /// none can start. Two sinks that cancel each other's watches at once would wait on each
  /// other; a sink may cancel its own watch.
  void Cancel(const std::shared_ptr<Watcher>& watcher);
  bool Deliver(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Watcher>& watcher);
  std::vector<Change> Collect(Watcher& watcher) const;
  void Schedule(const std::shared_ptr<Watcher>& watcher);
  void Trim();

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // ready_ gained a watcher, or stopping_
  std::condition_variable idle_cv_;  // a delivery finished
  std::deque<Change> history_;       // ascending revisions
  int64_t floor_ = 1;                // the oldest revision a new watch may start at
  int64_t current_ = 0;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::deque<std::shared_ptr<Watcher>> ready_;  // watchers with changes to look at
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mini::store::mvcc
