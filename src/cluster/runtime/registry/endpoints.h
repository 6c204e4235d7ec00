// Where an image is fetched from: the mirrors configured for its registry, then the registry
// itself, each as a base URL with the TLS rules that apply to it.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/image/reference.h"
#include "cluster/runtime/registry/url.h"
#include "common/status.h"

namespace mini::cluster::runtime::registry {

struct RegistryOptions {
  /// Base URLs ("https://mirror.example:5000") tried in order before the registry whose host
  /// ("docker.io", "host:5000") keys them.
  std::map<std::string, std::vector<std::string>> mirrors;
  /// Registries ("host" or "host:port") whose certificates are not checked and that may be
  /// reached over plain HTTP when they do not speak TLS at all.
  std::set<std::string> insecure;
  /// A CA trusted besides the system's, for registries with a private CA; may be empty.
  std::filesystem::path extra_ca;
};

/// Docker Hub's API host: "docker.io" is only a name.
inline constexpr char kDockerHubApiHost[] = "registry-1.docker.io";

struct Endpoint {
  Url base;                // scheme://host[:port], and a mirror's path prefix, if any
  bool verify_tls = true;  // false for insecure registries
  bool mirror = false;
};

/// The endpoints for `ref`, in the order to try them. An insecure registry comes twice: over
/// HTTPS without verification, then over HTTP. kInvalidArgument for a mirror URL that does not
/// parse.
Result<std::vector<Endpoint>> EndpointsFor(const image::Reference& ref,
                                           const RegistryOptions& options);

/// True when `host` ("host" or "host:port") is in `insecure`, by either spelling.
bool IsInsecure(std::string_view host, const std::set<std::string>& insecure);

/// <base>/v2/<repository>/manifests/<tag or digest>
Url ManifestUrl(const Endpoint& endpoint, std::string_view repository,
                std::string_view tag_or_digest);
/// <base>/v2/<repository>/blobs/<digest>
Url BlobUrl(const Endpoint& endpoint, std::string_view repository, std::string_view digest);

}  // namespace mini::cluster::runtime::registry
