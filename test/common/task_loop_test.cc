#include "common/task_loop.h"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

namespace mini {
namespace {

TEST_SUITE("common/task_loop") {
  TEST_CASE("Await runs every continuation on the waiting thread, also ones posted elsewhere") {
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<std::thread::id> ran_on;
    std::thread worker;
    Result<int> result = Await<int>([&](Post post, std::function<void(Result<int>)> done) {
      worker = std::thread([post, done, &ran_on] {
        post([post, done, &ran_on] {
          ran_on.push_back(std::this_thread::get_id());
          post([done, &ran_on] {
            ran_on.push_back(std::this_thread::get_id());
            done(42);
          });
        });
      });
    });
    worker.join();
    REQUIRE(result.ok());
    CHECK(*result == 42);
    REQUIRE(ran_on.size() == 2);
    CHECK(ran_on[0] == caller);
    CHECK(ran_on[1] == caller);
  }

  TEST_CASE("Await returns an error answered at once, before any task runs") {
    Result<int> result = Await<int>([](Post, std::function<void(Result<int>)> done) {
      done(Status(Code::kNotFound, "gone"));
    });
    CHECK(result.status().code() == Code::kNotFound);
    CHECK(result.status().message() == "gone");
  }

  TEST_CASE("a Post function that outlives its loop drops late tasks") {
    Post post;
    {
      TaskLoop loop;
      post = loop.Poster();
      post([&loop] { loop.Stop(); });
      loop.Run();
    }
    bool ran = false;
    post([&ran] { ran = true; });
    CHECK_FALSE(ran);
  }
}

}  // namespace
}  // namespace mini
