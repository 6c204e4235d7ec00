#include "cluster/store/sqlite/write_gate.h"

#include <thread>

namespace mini::store::sqlite {

std::unique_lock<std::mutex> WriteGate::ForAppend() {
  auto start = std::chrono::steady_clock::now();
  ++appends_waiting_;
  std::unique_lock<std::mutex> lock(mu_);
  --appends_waiting_;
  int64_t waited =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  // Only the lock holder writes it, so a plain compare-then-store cannot lose a larger value.
  if (waited > longest_append_wait_ns_.load()) {
    longest_append_wait_ns_.store(waited);
  }
  return lock;
}

std::unique_lock<std::mutex> WriteGate::ForBackground() {
  // std::mutex is not fair: the worker could take it back right after releasing it while the
  // append it woke is still being scheduled. Waiting here hands the turn over.
  while (appends_waiting_.load() > 0) {
    std::this_thread::yield();  // short: the append is about to take the mutex
  }
  return std::unique_lock<std::mutex>(mu_);
}

}  // namespace mini::store::sqlite
