// The writers' queue in front of the committer: writers push an op and wait on its future;
// the committer takes everything pending at once, which is what makes group commit happen
// without any timer — while one batch is being made durable, the next one accumulates.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/store/mvcc/planner.h"

namespace mini::store::mvcc {

struct PendingOp {
  Op op;
  std::promise<OpResult> done;
};

class OpQueue {
 public:
  /// The op's future result, or nullopt once the queue is closed.
  std::optional<std::future<OpResult>> Push(Op op);
  /// Blocks until something is pending, then takes up to `max` ops in arrival order. A
  /// compaction is always taken alone, so it never shares a batch with writes. Empty once
  /// the queue is closed and drained.
  std::vector<PendingOp> Take(size_t max);
  /// Refuses new ops; those already queued are still taken.
  void Close();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingOp> pending_;
  bool closed_ = false;
};

}  // namespace mini::store::mvcc
