#include "cluster/apiserver/rest/request_info.h"

#include <vector>

namespace mini::cluster::apiserver::rest {

std::optional<RequestInfo> ParseResourcePath(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  RequestInfo info;
  size_t i = 0;
  if (parts.size() >= 3 && parts[0] == "api") {
    info.version = parts[1];
    i = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  // namespaces/<ns>/<resource>... addresses a namespaced resource; namespaces/<ns> alone (or
  // with a subresource such as status) is the namespace object itself.
  if (parts[i] == "namespaces" && parts.size() > i + 2 && parts[i + 2] != "status" &&
      parts[i + 2] != "finalize") {
    info.name_space = parts[i + 1];
    i += 2;
  }
  info.resource = parts[i++];
  if (i < parts.size()) info.name = parts[i++];
  if (i < parts.size()) info.subresource = parts[i++];
  if (i < parts.size()) return std::nullopt;
  return info;
}

}  // namespace mini::cluster::apiserver::rest
