#include "cluster/store/mvcc/lessor.h"

#include <doctest/doctest.h>

#include <future>

namespace mini::store::mvcc {
namespace {

using namespace std::chrono_literals;

TEST_SUITE("store/mvcc/lessor") {
  TEST_CASE("leases track their keys until revoked") {
    Lessor lessor;
    lessor.Grant(7, 10s);
    CHECK(lessor.Exists(7));
    CHECK(!lessor.Exists(8));
    lessor.Attach(7, "/a");
    lessor.Attach(7, "/b");
    lessor.Attach(8, "/c");  // unknown lease: ignored
    lessor.Detach(7, "/a");
    CHECK(lessor.Keys(7) == std::vector<std::string>{"/b"});
    CHECK(lessor.Keys(8).empty());
    lessor.Revoke(7);
    CHECK(!lessor.Exists(7));
    CHECK(lessor.KeepAlive(7).code() == Code::kNotFound);
  }

  TEST_CASE("expiry follows the TTL from the grant or the last keep-alive") {
    Lessor lessor;
    lessor.Grant(1, 1s);
    lessor.Grant(2, 3s);
    auto now = Lessor::Clock::now();
    CHECK(lessor.Expired(now).empty());
    CHECK(lessor.Expired(now + 2s) == std::vector<LeaseId>{1});
    CHECK(lessor.Expired(now + 4s) == std::vector<LeaseId>{1, 2});
    CHECK(lessor.KeepAlive(1).ok());
    CHECK(lessor.Expired(now + 500ms).empty());
  }

  TEST_CASE("the timer hands expired leases to the callback and stops cleanly") {
    Lessor lessor;
    lessor.Grant(3, 1s);
    std::promise<std::vector<LeaseId>> expired;
    bool delivered = false;
    lessor.StartTimer(10ms, [&](std::vector<LeaseId> leases) {
      if (!delivered) {
        delivered = true;
        expired.set_value(leases);
      }
    });
    std::future<std::vector<LeaseId>> result = expired.get_future();
    REQUIRE(result.wait_for(5s) == std::future_status::ready);
    CHECK(result.get() == std::vector<LeaseId>{3});
    CHECK(lessor.KeepAlive(3).code() == Code::kNotFound);  // expired, revocation pending
    lessor.StopTimer();
    lessor.StopTimer();
  }
}

}  // namespace
}  // namespace mini::store::mvcc
