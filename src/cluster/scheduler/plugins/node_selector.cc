#include "cluster/scheduler/plugins/node_selector.h"

#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <string>

#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler::plugins {
namespace json = boost::json;
namespace {

using registry::ObjectAt;
using registry::StringAt;

const json::array* ArrayOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr ? value->if_array() : nullptr;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t out = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return out;
}

bool InValues(const json::array* values, std::string_view value) {
  if (values == nullptr) {
    return false;
  }
  for (const json::value& v : *values) {
    if (v.is_string() && v.get_string() == value) {
      return true;
    }
  }
  return false;
}

bool AllMatch(const json::array* requirements, const json::object& values) {
  for (const json::value& r : *requirements) {
    if (!r.is_object() || !RequirementMatches(r.get_object(), values)) {
      return false;
    }
  }
  return true;
}

bool TermMatches(const json::object& term, const json::object& labels, const json::object& fields) {
  const json::array* expressions = ArrayOf(term, "matchExpressions");
  const json::array* field_reqs = ArrayOf(term, "matchFields");
  bool has_expressions = expressions != nullptr && !expressions->empty();
  bool has_fields = field_reqs != nullptr && !field_reqs->empty();
  if (!has_expressions && !has_fields) {
    return false;
  }
  return (!has_expressions || AllMatch(expressions, labels)) &&
         (!has_fields || AllMatch(field_reqs, fields));
}

}  // namespace

bool RequirementMatches(const json::object& requirement, const json::object& values) {
  std::string key = StringAt(requirement, "key");
  std::string op = StringAt(requirement, "operator");
  const json::array* wanted = ArrayOf(requirement, "values");
  const json::value* found = values.if_contains(key);
  const json::string* value = found != nullptr ? found->if_string() : nullptr;
  if (op == "In") {
    return value != nullptr && InValues(wanted, *value);
  }
  if (op == "NotIn") {
    return value == nullptr || !InValues(wanted, *value);
  }
  if (op == "Exists") {
    return value != nullptr;
  }
  if (op == "DoesNotExist") {
    return value == nullptr;
  }
  if (op == "Gt" || op == "Lt") {
    if (value == nullptr || wanted == nullptr || wanted->size() != 1 || !(*wanted)[0].is_string()) {
      return false;
    }
    std::optional<int64_t> have = ParseInt(*value);
    std::optional<int64_t> bound = ParseInt((*wanted)[0].get_string());
    if (!have || !bound) {
      return false;
    }
    return op == "Gt" ? *have > *bound : *have < *bound;
  }
  return false;
}

bool NodeSelectorMatches(const json::object& selector, const json::object& node) {
  static const json::object kNoLabels;
  const json::object* labels = ObjectAt(node, "metadata.labels");
  const json::object fields{{"metadata.name", StringAt(node, "metadata.name")}};
  const json::array* terms = ArrayOf(selector, "nodeSelectorTerms");
  if (terms == nullptr) {
    return false;
  }
  for (const json::value& term : *terms) {
    if (term.is_object() &&
        TermMatches(term.get_object(), labels != nullptr ? *labels : kNoLabels, fields)) {
      return true;
    }
  }
  return false;
}

bool PodMatchesNode(const json::object& pod, const json::object& node) {
  const json::object* labels = ObjectAt(node, "metadata.labels");
  if (const json::object* selector = ObjectAt(pod, "spec.nodeSelector")) {
    for (const auto& [key, value] : *selector) {
      const json::value* have = labels != nullptr ? labels->if_contains(key) : nullptr;
      if (have == nullptr || *have != value) {
        return false;
      }
    }
  }
  const json::object* required =
      ObjectAt(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
  return required == nullptr || NodeSelectorMatches(*required, node);
}

}  // namespace mini::cluster::scheduler::plugins
