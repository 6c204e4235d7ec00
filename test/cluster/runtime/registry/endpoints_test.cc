#include "cluster/runtime/registry/endpoints.h"

#include <doctest/doctest.h>

namespace mini::cluster::runtime::registry {
namespace {

image::Reference Ref(std::string_view text) { return image::ParseReference(text).value(); }

}  // namespace

TEST_SUITE("runtime/registry/endpoints") {
  TEST_CASE("Docker Hub names go to registry-1.docker.io with the library prefix") {
    auto endpoints = EndpointsFor(Ref("busybox"), {});
    REQUIRE(endpoints.ok());
    REQUIRE(endpoints->size() == 1);
    const Endpoint& hub = endpoints->front();
    CHECK(hub.base.String() == "https://registry-1.docker.io/");
    CHECK(hub.verify_tls);
    CHECK(ManifestUrl(hub, "library/busybox", "latest").String() ==
          "https://registry-1.docker.io/v2/library/busybox/manifests/latest");
    CHECK(BlobUrl(hub, "library/busybox", "sha256:ab").String() ==
          "https://registry-1.docker.io/v2/library/busybox/blobs/sha256:ab");
  }

  TEST_CASE("a registry with a port keeps it") {
    auto endpoints = EndpointsFor(Ref("host.example:5000/team/app:v1"), {});
    REQUIRE(endpoints.ok());
    CHECK(ManifestUrl(endpoints->front(), "team/app", "v1").String() ==
          "https://host.example:5000/v2/team/app/manifests/v1");
  }

  TEST_CASE("mirrors come first, in order, then the registry") {
    RegistryOptions options;
    options.mirrors["docker.io"] = {"https://mirror-a.example",
                                    "http://mirror-b.example:5000/cache/"};
    auto endpoints = EndpointsFor(Ref("alpine:3"), options);
    REQUIRE(endpoints.ok());
    REQUIRE(endpoints->size() == 3);
    CHECK((*endpoints)[0].mirror);
    CHECK(ManifestUrl((*endpoints)[0], "library/alpine", "3").String() ==
          "https://mirror-a.example/v2/library/alpine/manifests/3");
    CHECK(ManifestUrl((*endpoints)[1], "library/alpine", "3").String() ==
          "http://mirror-b.example:5000/cache/v2/library/alpine/manifests/3");
    CHECK_FALSE((*endpoints)[2].mirror);
    CHECK((*endpoints)[2].base.host == "registry-1.docker.io");
    // Other registries have no mirrors.
    CHECK(EndpointsFor(Ref("quay.io/a/b"), options)->size() == 1);
  }

  TEST_CASE("insecure registries: unverified HTTPS, then plain HTTP") {
    RegistryOptions options;
    options.insecure = {"10.0.0.5:5000", "plain.example"};
    auto endpoints = EndpointsFor(Ref("10.0.0.5:5000/app"), options);
    REQUIRE(endpoints.ok());
    REQUIRE(endpoints->size() == 2);
    CHECK((*endpoints)[0].base.String() == "https://10.0.0.5:5000/");
    CHECK_FALSE((*endpoints)[0].verify_tls);
    CHECK((*endpoints)[1].base.String() == "http://10.0.0.5:5000/");
    CHECK(EndpointsFor(Ref("plain.example:8080/app"), options)->size() == 2);  // host alone
    CHECK(EndpointsFor(Ref("10.0.0.5:6000/app"), options)->size() == 1);       // other port
  }

  TEST_CASE("a mirror that is not a URL is an error naming the registry") {
    RegistryOptions options;
    options.mirrors["docker.io"] = {"mirror.example"};
    auto endpoints = EndpointsFor(Ref("busybox"), options);
    REQUIRE_FALSE(endpoints.ok());
    CHECK(endpoints.status().message().find("mirror for docker.io") != std::string::npos);
  }

  TEST_CASE("redirect locations resolve against the request URL") {
    Url base = ParseUrl("https://registry.example/v2/a/blobs/sha256:1").value();
    CHECK(ResolveUrl(base, "/storage/x?sig=1")->String() ==
          "https://registry.example/storage/x?sig=1");
    CHECK(ResolveUrl(base, "https://cdn.example:8443/y")->String() == "https://cdn.example:8443/y");
    CHECK_FALSE(ResolveUrl(base, "ftp://x/y").ok());
    CHECK(ParseUrl("http://[::1]:5000/v2/")->Authority() == "[::1]:5000");
    CHECK(QueryEscape("repository:a/b:pull") == "repository%3Aa%2Fb%3Apull");
  }
}

}  // namespace mini::cluster::runtime::registry
