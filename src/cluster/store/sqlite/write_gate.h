// The in-process lock every SQLite write transaction of one datastore goes through.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace mini::store::sqlite {

/// Serializes this process's writers to one database (SQLite allows one write transaction at
/// a time), in-process instead of through SQLite's busy-wait with growing sleeps, and lets a
/// waiting append go before the next background step.
class WriteGate {
 public:
  std::unique_lock<std::mutex> ForAppend();
  /// Waits until no append is waiting, then locks.
  std::unique_lock<std::mutex> ForBackground();
  /// The longest an append waited for the gate since the last call (tests and benchmarks).
  std::chrono::nanoseconds TakeLongestAppendWait() {
    return std::chrono::nanoseconds(longest_append_wait_ns_.exchange(0));
  }

 private:
  std::mutex mu_;
  std::atomic<int> appends_waiting_{0};
  std::atomic<int64_t> longest_append_wait_ns_{0};
};

}  // namespace mini::store::sqlite
