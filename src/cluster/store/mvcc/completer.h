// Answers writers on a thread of its own, one committed batch at a time. Each answer may wake
// another thread (a system call, and often a preemption of the caller by the woken thread);
// paid by the committer, that would stall the next batch behind the answers to the last.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/store/mvcc/op_queue.h"

namespace mini::store::mvcc {

class Completer {
 public:
  using Answers = std::vector<std::pair<OpDone, OpResult>>;

  Completer();
  /// Answers everything delivered before returning.
  ~Completer();
  Completer(const Completer&) = delete;
  Completer& operator=(const Completer&) = delete;

  /// Calls each callback with its result, in order, soon.
  void Deliver(Answers answers);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Answers> pending_;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace mini::store::mvcc
