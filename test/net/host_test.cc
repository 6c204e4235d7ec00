#include "net/host.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>

#include "test/net/tls_fixtures.h"

namespace mini::net {
namespace {

TEST_SUITE("net/host") {
  TEST_CASE("CheckPortFree reports a listening port as taken") {
    mini::testing::Listener listener;
    Status status = CheckPortFree("127.0.0.1", listener.port());
    REQUIRE_FALSE(status.ok());
    CHECK(status.code() == Code::kFailedPrecondition);
    CHECK(status.message() ==
          "port " + std::to_string(listener.port()) + " on 127.0.0.1 is already in use");
    // The wildcard address overlaps the loopback listener too.
    CHECK(CheckPortFree("0.0.0.0", listener.port()).code() == Code::kFailedPrecondition);
  }

  TEST_CASE("CheckPortFree accepts a port once its listener is gone") {
    uint16_t port = 0;
    {
      mini::testing::Listener listener;
      port = listener.port();
    }
    CHECK(CheckPortFree("127.0.0.1", port).ok());
  }

  TEST_CASE("CheckPortFree rejects an address that is not one") {
    Status status = CheckPortFree("not an address", 8443);
    CHECK(status.code() == Code::kInvalidArgument);
  }

  TEST_CASE("PrimaryIPv4 returns an IPv4 address") {
    std::string ip = PrimaryIPv4();
    in_addr parsed{};
    CHECK(inet_pton(AF_INET, ip.c_str(), &parsed) == 1);
  }
}

}  // namespace
}  // namespace mini::net
