#include "cluster/runtime/registry/credentials.h"

#include <doctest/doctest.h>

namespace mini::cluster::runtime::registry {

TEST_SUITE("runtime/registry/credentials") {
  TEST_CASE("auth fields and username/password both give credentials by host") {
    std::string doc = R"({"auths": {
        "https://index.docker.io/v1/": {"auth": ")" +
                      EncodeBase64("hubuser:hub:pass") + R"("},
        "registry.example:5000": {"username": "u", "password": "p"},
        "http://other.example/path/": {"auth": ")" +
                      EncodeBase64("o:") + R"(", "email": "x@example"},
        "tokens.example": {"identitytoken": "abc"}}})";
    auto parsed = ParseDockerConfigJson(doc);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
    CHECK(parsed->size() == 3);
    const image::RegistryCredential* hub = FindCredential(*parsed, "docker.io");
    REQUIRE(hub != nullptr);
    CHECK(hub->username == "hubuser");
    CHECK(hub->password == "hub:pass");  // only the first colon separates
    const image::RegistryCredential* local = FindCredential(*parsed, "registry.example:5000");
    REQUIRE(local != nullptr);
    CHECK(local->username == "u");
    CHECK(local->password == "p");
    const image::RegistryCredential* other = FindCredential(*parsed, "other.example");
    REQUIRE(other != nullptr);
    CHECK(other->username == "o");
    CHECK(other->password.empty());
    CHECK(FindCredential(*parsed, "registry.example") == nullptr);  // the port matters
    CHECK(FindCredential(*parsed, "tokens.example") == nullptr);
  }

  TEST_CASE("registry hosts fold Docker Hub's aliases and drop scheme and path") {
    CHECK(RegistryHost("https://index.docker.io/v1/") == "docker.io");
    CHECK(RegistryHost("registry-1.docker.io") == "docker.io");
    CHECK(RegistryHost("docker.io") == "docker.io");
    CHECK(RegistryHost("HTTP://Host:5000/v2/") == "host:5000");
    CHECK(RegistryHost("quay.io") == "quay.io");
  }

  TEST_CASE("malformed documents are errors naming what is wrong") {
    struct Case {
      const char* json;
      const char* says;
    };
    for (const Case& c :
         {Case{"not json", "not JSON"}, Case{"[]", "no \"auths\""},
          Case{R"({"auths": []})", "no \"auths\""}, Case{R"({"auths": {"h": 1}})", "not an object"},
          Case{R"({"auths": {"h": {"auth": "@@@@"}}})", "not base64"},
          Case{R"({"auths": {"h": {"auth": "abc"}}})", "not base64"},
          Case{R"({"auths": {"h": {"auth": "dXNlcg=="}}})", "user:password"}}) {
      CAPTURE(c.json);
      auto parsed = ParseDockerConfigJson(c.json);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().code() == Code::kInvalidArgument);
      CHECK(parsed.status().message().find(c.says) != std::string::npos);
    }
  }

  TEST_CASE("base64 round trip for basic authorization") {
    CHECK(EncodeBase64("alice:s3cret") == "YWxpY2U6czNjcmV0");
    CHECK(EncodeBase64("") == "");
  }
}

}  // namespace mini::cluster::runtime::registry
