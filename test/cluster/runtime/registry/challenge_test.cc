#include "cluster/runtime/registry/challenge.h"

#include <doctest/doctest.h>

namespace mini::cluster::runtime::registry {

TEST_SUITE("runtime/registry/challenge") {
  TEST_CASE("a bearer challenge yields realm, service and scope") {
    auto parsed = ParseChallenges(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
        R"(scope="repository:library/busybox:pull")");
    REQUIRE(parsed.ok());
    REQUIRE(parsed->size() == 1);
    const Challenge& c = parsed->front();
    CHECK(c.scheme == "bearer");
    CHECK(c.params.at("realm") == "https://auth.docker.io/token");
    CHECK(c.params.at("service") == "registry.docker.io");
    CHECK(c.params.at("scope") == "repository:library/busybox:pull");
  }

  TEST_CASE("schemes and names are case-insensitive, values keep escapes and spaces") {
    auto parsed = ParseChallenges(R"(BASIC Realm = "my \"quoted\" realm" , charset=UTF-8)");
    REQUIRE(parsed.ok());
    CHECK(parsed->front().scheme == "basic");
    CHECK(parsed->front().params.at("realm") == R"(my "quoted" realm)");
    CHECK(parsed->front().params.at("charset") == "UTF-8");
  }

  TEST_CASE("several challenges in one header, token68 skipped") {
    auto parsed = ParseChallenges(R"(Negotiate abc123==, Basic realm="r", Bearer realm="t")");
    REQUIRE(parsed.ok());
    REQUIRE(parsed->size() == 3);
    CHECK((*parsed)[0].scheme == "negotiate");
    CHECK((*parsed)[0].params.empty());
    CHECK((*parsed)[1].scheme == "basic");
    CHECK((*parsed)[1].params.at("realm") == "r");
    CHECK((*parsed)[2].scheme == "bearer");
    CHECK((*parsed)[2].params.at("realm") == "t");
  }

  TEST_CASE("a scheme alone is a challenge without parameters") {
    auto parsed = ParseChallenges("Basic");
    REQUIRE(parsed.ok());
    CHECK(parsed->front().scheme == "basic");
  }

  TEST_CASE("malformed headers are errors quoting the header, never crashes") {
    for (const char* bad : {"", "   ,  ", R"(Bearer realm="unterminated)",
                            "Bearer realm=\"a\", scope=", "Bearer realm=\"a\", =x", "\"quoted\"",
                            "Bearer realm=\"a\" @"}) {
      std::string text = bad;
      CAPTURE(text);
      auto parsed = ParseChallenges(bad);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().code() == Code::kInvalidArgument);
      CHECK(parsed.status().message().find("WWW-Authenticate") != std::string::npos);
    }
  }
}

}  // namespace mini::cluster::runtime::registry
