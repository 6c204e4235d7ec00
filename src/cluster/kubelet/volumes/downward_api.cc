#include "cluster/kubelet/volumes/downward_api.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/kubelet/volumes/key_projection.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
using registry::ObjectAt;
using registry::StringAt;

namespace {

const std::set<std::string, std::less<>> kFields = {
    "metadata.name",           "metadata.namespace", "metadata.uid", "spec.nodeName",
    "spec.serviceAccountName", "status.podIP",       "status.hostIP"};

Result<std::string> FieldFile(const json::object& pod, const std::string& path,
                              const pods::Sandbox& sandbox) {
  if (path == "metadata.labels") return FormatMap(ObjectAt(pod, "metadata.labels"));
  if (path == "metadata.annotations") return FormatMap(ObjectAt(pod, "metadata.annotations"));
  if (kFields.contains(path) || path.starts_with("metadata.labels['") ||
      path.starts_with("metadata.annotations['")) {
    return pods::DownwardFieldValue(pod, path, sandbox);
  }
  return Error(Code::kInvalidArgument, "unsupported fieldRef path {:?} in a downwardAPI volume",
               path);
}

}  // namespace

std::string FormatMap(const json::object* map) {
  if (map == nullptr) return "";
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : *map) {
    if (value.is_string()) sorted[std::string(key)] = std::string(value.get_string());
  }
  std::string out;
  for (const auto& [key, value] : sorted) {
    if (!out.empty()) out += '\n';
    out += key + "=" + registry::apps::GoQuote(value);  // Go's %q, as the kubelet writes it
  }
  return out;
}

Status ProjectDownward(const json::object& pod, const json::object& source,
                       const pods::Sandbox& sandbox, const pods::EnvSources& env,
                       mode_t default_mode, Projection& out) {
  const json::value* items = source.if_contains("items");
  if (items == nullptr || !items->is_array()) return Status::Ok();
  for (const json::value& value : items->get_array()) {
    if (!value.is_object()) continue;
    const json::object& item = value.get_object();
    const std::string path = StringAt(item, "path");
    std::string content;
    if (const json::object* field = ObjectAt(item, "fieldRef")) {
      MINI_ASSIGN_OR_RETURN(content, FieldFile(pod, StringAt(*field, "fieldPath"), sandbox));
    } else if (const json::object* resource = ObjectAt(item, "resourceFieldRef")) {
      MINI_ASSIGN_OR_RETURN(content, pods::ResourceFieldValue(pod, json::object(), *resource, env));
    } else {
      return Error(Code::kInvalidArgument,
                   "downwardAPI item {:?} has neither fieldRef nor resourceFieldRef", path);
    }
    out[path] = {std::move(content), ModeAt(item, "mode", default_mode)};
  }
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::volumes
