#include "cluster/registry/autoscaling/v1_annotations.h"

#include <boost/json.hpp>
#include <vector>

#include "cluster/registry/core/quantity.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

// A value the v1 form keeps under `v1` (a key of the metric source) and v2 under `v2` (a path
// inside its source, "target.averageValue").
struct Moved {
  std::string_view v1;
  std::string_view v2;
};

// One member of a MetricSpec or MetricStatus ("object", "pods"...). v2 spells a target's type
// out where v1 implies it: `if_present` when the v1 key `typed_by` is set, else `otherwise`
// (all empty for statuses, which have no type). Go writes the v1 key `zero_if_unset` as "0"
// when v2 had no value; with the `if_present` type that zero means unset (v2 would refuse it).
struct Source {
  std::string_view member;
  std::vector<Moved> fields;
  std::string_view typed_by;
  std::string_view if_present;
  std::string_view otherwise;
  std::string_view zero_if_unset;
};

const std::vector<Source>& SpecSources() {
  static const std::vector<Source> kSources = {
      {"object",
       {{"target", "describedObject"},
        {"metricName", "metric.name"},
        {"targetValue", "target.value"},
        {"selector", "metric.selector"},
        {"averageValue", "target.averageValue"}},
       "averageValue",
       "AverageValue",
       "Value",
       "targetValue"},
      {"pods",
       {{"metricName", "metric.name"},
        {"targetAverageValue", "target.averageValue"},
        {"selector", "metric.selector"}},
       "",
       "",
       "AverageValue"},
      {"resource",
       {{"name", "name"},
        {"targetAverageUtilization", "target.averageUtilization"},
        {"targetAverageValue", "target.averageValue"}},
       "targetAverageUtilization",
       "Utilization",
       "AverageValue"},
      {"containerResource",
       {{"name", "name"},
        {"targetAverageUtilization", "target.averageUtilization"},
        {"targetAverageValue", "target.averageValue"},
        {"container", "container"}},
       "targetAverageUtilization",
       "Utilization",
       "AverageValue"},
      {"external",
       {{"metricName", "metric.name"},
        {"metricSelector", "metric.selector"},
        {"targetValue", "target.value"},
        {"targetAverageValue", "target.averageValue"}},
       "targetValue",
       "Value",
       "AverageValue"}};
  return kSources;
}

const std::vector<Source>& StatusSources() {
  static const std::vector<Source> kSources = {
      {"object",
       {{"target", "describedObject"},
        {"metricName", "metric.name"},
        {"currentValue", "current.value"},
        {"selector", "metric.selector"},
        {"averageValue", "current.averageValue"}}},
      {"pods",
       {{"metricName", "metric.name"},
        {"currentAverageValue", "current.averageValue"},
        {"selector", "metric.selector"}}},
      {"resource",
       {{"name", "name"},
        {"currentAverageUtilization", "current.averageUtilization"},
        {"currentAverageValue", "current.averageValue"}}},
      {"containerResource",
       {{"name", "name"},
        {"currentAverageUtilization", "current.averageUtilization"},
        {"currentAverageValue", "current.averageValue"},
        {"container", "container"}}},
      {"external",
       {{"metricName", "metric.name"},
        {"metricSelector", "metric.selector"},
        {"currentValue", "current.value"},
        {"currentAverageValue", "current.averageValue"}}}};
  return kSources;
}

// The value at a dotted path; null counts as absent, as for Go's pointers.
const json::value* Find(const json::object& object, std::string_view path) {
  const json::object* at = &object;
  for (;;) {
    size_t dot = path.find('.');
    const json::value* value = at->if_contains(path.substr(0, dot));
    if (value == nullptr || value->is_null()) return nullptr;
    if (dot == std::string_view::npos) return value;
    at = value->if_object();
    if (at == nullptr) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

void Set(json::object& object, std::string_view path, json::value value) {
  json::object* at = &object;
  for (size_t dot; (dot = path.find('.')) != std::string_view::npos;) {
    json::value& next = (*at)[path.substr(0, dot)];
    if (!next.is_object()) next = json::object();
    at = &next.get_object();
    path.remove_prefix(dot + 1);
  }
  (*at)[path] = std::move(value);
}

json::object ToV1(const json::object& metric, const std::vector<Source>& sources) {
  json::object out;
  if (const json::value* type = Find(metric, "type")) out["type"] = *type;
  for (const Source& source : sources) {
    const json::value* from = Find(metric, source.member);
    if (from == nullptr || !from->is_object()) continue;
    json::object to;
    for (const Moved& field : source.fields) {
      if (const json::value* value = Find(from->get_object(), field.v2)) to[field.v1] = *value;
    }
    out[source.member] = std::move(to);
  }
  return out;
}

json::object FromV1(const json::object& metric, const std::vector<Source>& sources) {
  json::object out;
  if (const json::value* type = Find(metric, "type")) out["type"] = *type;
  for (const Source& source : sources) {
    const json::value* from = Find(metric, source.member);
    if (from == nullptr || !from->is_object()) continue;
    json::object to;
    bool typed = !source.typed_by.empty() && Find(from->get_object(), source.typed_by);
    if (!source.otherwise.empty()) {
      Set(to, "target.type", json::string(typed ? source.if_present : source.otherwise));
    }
    for (const Moved& field : source.fields) {
      const json::value* value = Find(from->get_object(), field.v1);
      if (value == nullptr) continue;
      if (typed && field.v1 == source.zero_if_unset) {
        std::optional<core::Quantity> quantity = core::QuantityOf(*value);
        if (quantity && quantity->nanos == 0) continue;
      }
      Set(to, field.v2, *value);
    }
    out[source.member] = std::move(to);
  }
  return out;
}

}  // namespace

json::object MetricSpecToV1(const json::object& metric) { return ToV1(metric, SpecSources()); }
json::object MetricSpecFromV1(const json::object& metric) { return FromV1(metric, SpecSources()); }
json::object MetricStatusToV1(const json::object& status) { return ToV1(status, StatusSources()); }
json::object MetricStatusFromV1(const json::object& status) {
  return FromV1(status, StatusSources());
}

void DropRoundTripAnnotations(json::object& autoscaler) {
  json::value* metadata = autoscaler.if_contains("metadata");
  if (metadata == nullptr || !metadata->is_object()) return;
  json::value* annotations = metadata->get_object().if_contains("annotations");
  if (annotations == nullptr || !annotations->is_object()) return;
  bool dropped = false;
  for (std::string_view key : kRoundTripAnnotations) {
    dropped |= annotations->get_object().erase(key) > 0;
  }
  // Go leaves an empty map out.
  if (dropped && annotations->get_object().empty()) metadata->get_object().erase("annotations");
}

std::optional<json::array> ObjectArray(std::string_view text) {
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  if (error) return std::nullopt;
  if (parsed.is_null()) return json::array();
  if (!parsed.is_array()) return std::nullopt;
  for (json::value& item : parsed.get_array()) {
    if (item.is_null()) item = json::object();
    if (!item.is_object()) return std::nullopt;
  }
  return std::move(parsed.get_array());
}

}  // namespace mini::cluster::registry::autoscaling
