#include "cluster/kubelet/volumes/key_projection.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
using registry::StringAt;

mode_t ModeAt(const json::object& object, std::string_view key, mode_t fallback) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !(value->is_int64() || value->is_uint64())) return fallback;
  int64_t mode = value->to_number<int64_t>();
  return mode >= 0 && mode <= 0777 ? static_cast<mode_t>(mode) : fallback;
}

Status ProjectKeys(const json::object& source, pods::ConfigSource::Kind kind,
                   const std::string& name_space, pods::ConfigSource* config, mode_t default_mode,
                   Projection& out) {
  const bool secret = kind == pods::ConfigSource::Kind::kSecret;
  const bool optional = source.contains("optional") && source.at("optional").is_bool() &&
                        source.at("optional").get_bool();
  if (config == nullptr) {
    return Status(Code::kUnavailable, "ConfigMaps and Secrets cannot be read on this node");
  }
  const std::string name = StringAt(source, secret ? "secretName" : "name");
  auto data = config->Data(kind, name_space, name);
  if (!data.ok()) {
    if (optional && data.status().code() == Code::kNotFound) return Status::Ok();
    return data.status();
  }
  const json::value* items = source.if_contains("items");
  if (items == nullptr || !items->is_array() || items->get_array().empty()) {
    for (auto& [key, value] : *data) out[key] = {value, default_mode};
    return Status::Ok();
  }
  for (const json::value& item : items->get_array()) {
    if (!item.is_object()) continue;
    const std::string key = StringAt(item.get_object(), "key");
    auto it = data->find(key);
    if (it == data->end()) {
      if (optional) continue;
      return Error(Code::kNotFound, "{} references non-existent {} key: {}",
                   secret ? "secret" : "configmap", secret ? "secret" : "config", key);
    }
    out[StringAt(item.get_object(), "path")] = {it->second,
                                                ModeAt(item.get_object(), "mode", default_mode)};
  }
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::volumes
