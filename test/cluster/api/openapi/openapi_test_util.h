// Readers for generated documents that mirror how kubectl walks them.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mini::cluster::api::openapi::testing {

namespace json = boost::json;

inline constexpr std::string_view kV3Prefix = "#/components/schemas/";
inline constexpr std::string_view kV2Prefix = "#/definitions/";

/// Every $ref in `value` that does not name a key of `targets` under `prefix`.
inline void CollectUnresolved(const json::value& value, std::string_view prefix,
                              const json::object& targets, std::vector<std::string>& out) {
  if (value.is_array()) {
    for (const json::value& item : value.get_array()) {
      CollectUnresolved(item, prefix, targets, out);
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& entry : value.get_object()) {
    if (entry.key() == "$ref") {
      std::string_view ref;
      if (entry.value().is_string()) ref = entry.value().get_string();
      if (!ref.starts_with(prefix) || !targets.contains(ref.substr(prefix.size()))) {
        out.emplace_back(ref);
      }
      continue;
    }
    CollectUnresolved(entry.value(), prefix, targets, out);
  }
}

inline std::vector<std::string> UnresolvedRefs(const json::value& document, std::string_view prefix,
                                               const json::object& targets) {
  std::vector<std::string> out;
  CollectUnresolved(document, prefix, targets, out);
  return out;
}

/// Follows allOf[0] and then $ref, the way strategic merge patch's OpenAPI v3 lookup does.
inline const json::object* Resolve(const json::object* schema, const json::object& schemas) {
  if (schema == nullptr) return nullptr;
  if (const json::value* all_of = schema->if_contains("allOf")) {
    schema = &all_of->get_array().at(0).get_object();
  }
  if (const json::value* ref = schema->if_contains("$ref")) {
    std::string_view name = ref->get_string();
    name.remove_prefix(kV3Prefix.size());
    const json::value* target = schemas.if_contains(name);
    return target == nullptr ? nullptr : &target->get_object();
  }
  return schema;
}

/// The property schema reached from `root` through `path`, descending into list items as
/// kubectl does for lists; nullptr when a step is missing.
inline const json::object* Field(const json::object& schemas, const json::object* root,
                                 const std::vector<std::string>& path) {
  const json::object* schema = root;
  const json::object* property = nullptr;
  for (const std::string& step : path) {
    schema = Resolve(schema, schemas);
    if (schema == nullptr) return nullptr;
    if (const json::value* items = schema->if_contains("items")) {
      schema = Resolve(&items->get_object(), schemas);
    }
    const json::value* properties = schema->if_contains("properties");
    if (properties == nullptr) return nullptr;
    const json::value* next = properties->get_object().if_contains(step);
    if (next == nullptr) return nullptr;
    property = &next->get_object();
    schema = property;
  }
  return property;
}

/// The string an object holds at `key`, or "" when it holds none.
inline std::string StringAt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

/// The names of an operation's query parameters.
inline std::vector<std::string> QueryParamNames(const json::object& operation) {
  std::vector<std::string> names;
  const json::value* params = operation.if_contains("parameters");
  if (params == nullptr) return names;
  for (const json::value& param : params->get_array()) {
    if (StringAt(param.get_object(), "in") == "query") {
      names.push_back(StringAt(param.get_object(), "name"));
    }
  }
  return names;
}

}  // namespace mini::cluster::api::openapi::testing
