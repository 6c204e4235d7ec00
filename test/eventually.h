// Polls a condition that another thread makes true, for tests of components that work in the
// background (controllers, probers): true as soon as it holds, false once `timeout` passed.
#pragma once

#include <chrono>
#include <thread>

namespace mini::testing {

template <typename Check>
bool Eventually(Check check, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return check();
}

}  // namespace mini::testing
