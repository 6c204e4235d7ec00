#include "cluster/runtime/image/reference.h"

#include <doctest/doctest.h>

namespace mini::cluster::runtime::image {

TEST_SUITE("runtime/image/reference") {
  TEST_CASE("references normalize the way Docker and containerd spell them") {
    const std::string kDigest =
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct Case {
      std::string in, normalized, familiar;
    };
    const Case cases[] = {
        {"busybox", "docker.io/library/busybox:latest", "busybox"},
        {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox"},
        {"library/busybox", "docker.io/library/busybox:latest", "busybox"},
        {"docker.io/busybox", "docker.io/library/busybox:latest", "busybox"},
        {"index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox"},
        {"mini-test/echo:1", "docker.io/mini-test/echo:1", "mini-test/echo"},
        {"docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b"},
        {"localhost/app", "localhost/app:latest", "localhost/app"},
        {"localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000/app"},
        {"host:5000/a/b@" + kDigest, "host:5000/a/b@" + kDigest, "host:5000/a/b"},
        {"registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10", "registry.k8s.io/pause"},
        {"app:v1@" + kDigest, "docker.io/library/app:v1@" + kDigest, "app"},
        {"[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000/app"},
        {"Registry.Example/a", "Registry.Example/a:latest", "Registry.Example/a"},
        {"a_b__c-d---e/f.g", "docker.io/a_b__c-d---e/f.g:latest", "a_b__c-d---e/f.g"},
        {"localhost:5000", "docker.io/library/localhost:5000", "localhost"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in);
      auto ref = ParseReference(c.in);
      REQUIRE(ref.ok());
      CHECK(ref->String() == c.normalized);
      CHECK(ref->FamiliarName() == c.familiar);
      CHECK(ParseReference(ref->String())->String() == c.normalized);  // idempotent
    }
  }

  TEST_CASE("a digest alone implies no tag and a name alone implies latest") {
    auto pinned = ParseReference(
        "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    REQUIRE(pinned.ok());
    CHECK(pinned->tag.empty());
    CHECK(pinned->path == "library/busybox");
    CHECK(ParseReference("busybox")->tag == "latest");
  }

  TEST_CASE("bad references are refused with the reason") {
    struct Case {
      std::string in, why;
    };
    const Case cases[] = {
        {"", "empty"},
        {"Busybox", "lowercase"},
        {"docker.io/Library/busybox", "lowercase"},
        {"busybox:", "tag"},
        {"busybox:-bad", "tag"},
        {"busybox:" + std::string(129, 'a'), "tag"},
        {"busybox@sha256:abc", "sha256"},
        {"busybox@md5:0123456789abcdef0123456789abcdef", "sha256"},
        {"busybox@", "algorithm"},
        {":tag", "missing"},
        {"a//b", "path"},
        {"a/-b", "path"},
        {"a/b_", "path"},
        {"a/b..c", "path"},
        {"bad_host:5000/x", "registry"},
        {"host:port/x", "registry"},
        {"[zz]:5000/x", "registry"},
        {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image ID"},
        {std::string(256, 'a'), "255"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in);
      auto ref = ParseReference(c.in);
      REQUIRE_FALSE(ref.ok());
      CHECK(ref.status().code() == Code::kInvalidArgument);
      CHECK(ref.status().message().find(c.why) != std::string::npos);
    }
  }
}

}  // namespace mini::cluster::runtime::image
