// Waiting for something that usually happens within milliseconds (a lock's holder finishing,
// a child writing a file) by looking again after a pause that starts at 1 ms and doubles up to
// a cap: quick when the wait is short, cheap when it is long. A fixed 20 ms pause had made
// every brief contention of eight pod workers on one lock cost each loser 20 ms.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace mini {

class PollBackoff {
 public:
  explicit PollBackoff(std::chrono::milliseconds cap = std::chrono::milliseconds(20))
      : cap_(cap) {}

  void Sleep() {
    std::this_thread::sleep_for(next_);
    next_ = std::min<std::chrono::microseconds>(next_ * 2, cap_);
  }

 private:
  std::chrono::microseconds next_{1000};
  std::chrono::microseconds cap_;
};

}  // namespace mini
