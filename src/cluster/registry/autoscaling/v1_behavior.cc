// The behavior annotation: Kubernetes writes its internal behavior type, which has no JSON
// names, so the keys are Go's field names.
#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <span>

#include "cluster/registry/autoscaling/v1_annotations.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

const json::value* Find(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && !value->is_null() ? value : nullptr;
}

// A behavior field's JSON name, its Go name, and what Go's decoder accepts for it.
enum class Kind { kObject, kArray, kString, kInt32 };
struct GoName {
  std::string_view json;
  std::string_view go;
  Kind kind;
};
constexpr GoName kDirectionNames[] = {{"scaleUp", "ScaleUp", Kind::kObject},
                                      {"scaleDown", "ScaleDown", Kind::kObject}};
constexpr GoName kRulesNames[] = {
    {"stabilizationWindowSeconds", "StabilizationWindowSeconds", Kind::kInt32},
    {"selectPolicy", "SelectPolicy", Kind::kString},
    {"policies", "Policies", Kind::kArray}};
constexpr GoName kPolicyNames[] = {{"type", "Type", Kind::kString},
                                   {"value", "Value", Kind::kInt32},
                                   {"periodSeconds", "PeriodSeconds", Kind::kInt32}};

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool Fits(const json::value& value, Kind kind) {
  switch (kind) {
    case Kind::kObject:
      return value.is_object();
    case Kind::kArray:
      return value.is_array();
    case Kind::kString:
      return value.is_string();
    case Kind::kInt32:
      return value.is_int64() && value.get_int64() >= std::numeric_limits<int32_t>::min() &&
             value.get_int64() <= std::numeric_limits<int32_t>::max();
  }
  return false;
}

json::object RenameToGo(const json::object& in, std::span<const GoName> names) {
  json::object out;
  for (const GoName& name : names) {
    if (const json::value* value = Find(in, name.json)) out[name.go] = *value;
  }
  return out;
}

// Go's decoder matches keys to fields in any letter case, a later key winning; a value of the
// wrong kind fails the whole annotation, and null leaves the field unset.
std::optional<json::object> RenameFromGo(const json::object& in, std::span<const GoName> names) {
  json::object out;
  for (const auto& [key, value] : in) {
    for (const GoName& name : names) {
      if (!EqualFold(key, name.go)) continue;
      if (value.is_null()) {
        out.erase(name.json);
      } else if (!Fits(value, name.kind)) {
        return std::nullopt;
      } else {
        out[name.json] = value;
      }
    }
  }
  return out;
}

}  // namespace

json::object BehaviorToGo(const json::object& behavior) {
  json::object out;
  for (const GoName& direction : kDirectionNames) {
    const json::value* rules = Find(behavior, direction.json);
    if (rules == nullptr || !rules->is_object()) continue;
    json::object go = RenameToGo(rules->get_object(), kRulesNames);
    if (json::value* policies = go.if_contains("Policies"); policies && policies->is_array()) {
      for (json::value& policy : policies->get_array()) {
        if (policy.is_object()) policy = RenameToGo(policy.get_object(), kPolicyNames);
      }
    }
    out[direction.go] = std::move(go);
  }
  return out;
}

std::optional<json::object> BehaviorFromGo(std::string_view text) {
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  if (error || !parsed.is_object()) return std::nullopt;
  std::optional<json::object> behavior = RenameFromGo(parsed.get_object(), kDirectionNames);
  if (!behavior || behavior->empty()) return std::nullopt;
  for (auto& [direction, value] : *behavior) {
    std::optional<json::object> rules = RenameFromGo(value.get_object(), kRulesNames);
    if (!rules) return std::nullopt;
    if (json::value* policies = rules->if_contains("policies")) {
      for (json::value& policy : policies->get_array()) {
        if (policy.is_null()) policy = json::object();  // Go decodes it as an empty policy
        if (!policy.is_object()) return std::nullopt;
        std::optional<json::object> renamed = RenameFromGo(policy.get_object(), kPolicyNames);
        if (!renamed) return std::nullopt;
        policy = std::move(*renamed);
      }
    }
    value = std::move(*rules);
  }
  return behavior;
}

}  // namespace mini::cluster::registry::autoscaling
