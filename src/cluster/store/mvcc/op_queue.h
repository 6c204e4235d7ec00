// The writers' queue in front of the committer: writers push an op with the callback that
// receives its result;
// the committer takes everything pending at once, which is what makes group commit happen
// without any timer — while one batch is being made durable, the next one accumulates.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "cluster/store/mvcc/planner.h"

namespace mini::store::mvcc {

/// Called once on the committer thread with the op's result: must not block.
using OpDone = std::function<void(OpResult)>;

struct PendingOp {
  Op op;
  OpDone done;
};

class OpQueue {
 public:
  /// Queues `op`; false (and `done` is not called) once the queue is closed.
  bool Push(Op op, OpDone done);
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
