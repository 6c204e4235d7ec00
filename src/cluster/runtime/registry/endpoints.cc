#include "cluster/runtime/registry/endpoints.h"

#include <fmt/format.h>

namespace mini::cluster::runtime::registry {
namespace {

std::string_view HostOnly(std::string_view host_port) {
  if (host_port.starts_with('[')) {
    return host_port.substr(0, host_port.find(']') + 1);
  }
  size_t colon = host_port.rfind(':');
  return colon == std::string_view::npos ? host_port : host_port.substr(0, colon);
}

Url ApiUrl(const Endpoint& endpoint, std::string_view rest) {
  Url url = endpoint.base;
  std::string prefix = url.target == "/" ? "" : url.target;
  while (prefix.ends_with('/')) {
    prefix.pop_back();
  }
  url.target = prefix + "/v2/" + std::string(rest);
  return url;
}

}  // namespace

bool IsInsecure(std::string_view host, const std::set<std::string>& insecure) {
  return insecure.contains(std::string(host)) || insecure.contains(std::string(HostOnly(host)));
}

Result<std::vector<Endpoint>> EndpointsFor(const image::Reference& ref,
                                           const RegistryOptions& options) {
  std::vector<Endpoint> endpoints;
  if (auto it = options.mirrors.find(ref.domain); it != options.mirrors.end()) {
    for (const std::string& mirror : it->second) {
      auto url = ParseUrl(mirror);
      if (!url.ok()) {
        return url.status().WithContext("registry mirror for {}", ref.domain);
      }
      bool verify = !IsInsecure(url->Authority(), options.insecure);
      endpoints.push_back({std::move(*url), verify, true});
    }
  }
  std::string host = ref.domain == image::kDefaultDomain ? kDockerHubApiHost : ref.domain;
  MINI_ASSIGN_OR_RETURN(Url https, ParseUrl("https://" + host));
  if (!IsInsecure(ref.domain, options.insecure)) {
    endpoints.push_back({std::move(https), true, false});
    return endpoints;
  }
  MINI_ASSIGN_OR_RETURN(Url http, ParseUrl("http://" + host));
  endpoints.push_back({std::move(https), false, false});
  endpoints.push_back({std::move(http), false, false});
  return endpoints;
}

Url ManifestUrl(const Endpoint& endpoint, std::string_view repository,
                std::string_view tag_or_digest) {
  return ApiUrl(endpoint, fmt::format("{}/manifests/{}", repository, tag_or_digest));
}

Url BlobUrl(const Endpoint& endpoint, std::string_view repository, std::string_view digest) {
  return ApiUrl(endpoint, fmt::format("{}/blobs/{}", repository, digest));
}

}  // namespace mini::cluster::runtime::registry
