#include "common/thread_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace mini {

TEST_SUITE("common/thread_pool") {
  TEST_CASE("tasks that wait run side by side, as many as there are threads") {
    std::mutex mu;
    std::condition_variable cv;
    int running = 0;
    int most = 0;
    bool release = false;
    {
      ThreadPool pool(3, "test-pool");
      for (int i = 0; i < 6; ++i) {
        pool.Submit([&] {
          std::unique_lock lock(mu);
          most = std::max(most, ++running);
          cv.notify_all();
          // Held until three run at once (or a generous timeout, so a bug fails, not hangs).
          cv.wait_for(lock, std::chrono::seconds(10), [&] { return release || running == 3; });
          release = true;
          cv.notify_all();
          --running;
        });
      }
    }  // the destructor runs what was submitted
    CHECK(most == 3);
    CHECK(running == 0);
  }

  TEST_CASE("destroying the pool runs every task submitted before") {
    std::atomic<int> done{0};
    {
      ThreadPool pool(1, "test-pool");
      for (int i = 0; i < 100; ++i) pool.Submit([&] { ++done; });
    }
    CHECK(done == 100);
  }
}

}  // namespace mini
