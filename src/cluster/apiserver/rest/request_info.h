// What a resource request addresses, read from its path as Kubernetes lays paths out:
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>]]
//   /apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mini::cluster::apiserver::rest {

struct RequestInfo {
  std::string group;  // "" for /api
  std::string version;
  std::string name_space;  // empty for cluster-wide requests
  std::string resource;    // "pods"; for /api/v1/namespaces/<n> it is "namespaces"
  std::string name;
  std::string subresource;
};

/// Parses a resource path; nullopt when the path is not one (discovery paths, or too short).
std::optional<RequestInfo> ParseResourcePath(std::string_view path);

}  // namespace mini::cluster::apiserver::rest
