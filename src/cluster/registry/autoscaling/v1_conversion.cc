#include "cluster/registry/autoscaling/v1_conversion.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/registry/autoscaling/horizontalpodautoscaler.h"
#include "cluster/registry/autoscaling/v1_annotations.h"
#include "cluster/registry/core/checks.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

json::value Take(json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  json::value value = std::move(it->value());
  object.erase(it);
  return value;
}

json::object* MutableObject(json::object& parent, std::string_view key) {
  json::value* value = parent.if_contains(key);
  return value != nullptr ? value->if_object() : nullptr;
}

std::optional<std::string> Annotation(json::object& autoscaler, std::string_view key) {
  json::object* metadata = MutableObject(autoscaler, "metadata");
  json::object* annotations = metadata ? MutableObject(*metadata, "annotations") : nullptr;
  const json::value* value = annotations ? annotations->if_contains(key) : nullptr;
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

void Annotate(json::object& autoscaler, std::string_view key, const json::value& content) {
  json::object& metadata = core::EnsureObject(autoscaler, "metadata");
  core::EnsureObject(metadata, "annotations")[key] = json::serialize(content);
}

// The utilization of a Resource metric on cpu, under `member` ("target" in a spec, "current" in
// a status); nullptr for any other metric.
const json::value* CpuUtilization(const json::value& metric, std::string_view member) {
  const json::object* object = metric.if_object();
  if (object == nullptr || core::StringField(*object, "type") != "Resource") return nullptr;
  const json::object* resource = core::ObjectField(*object, "resource");
  if (resource == nullptr || core::StringField(*resource, "name") != "cpu") return nullptr;
  const json::object* values = core::ObjectField(*resource, member);
  const json::value* utilization = values ? values->if_contains("averageUtilization") : nullptr;
  return utilization != nullptr && !utilization->is_null() ? utilization : nullptr;
}

json::object CpuTarget(const json::value& utilization) {
  return {
      {"type", "Resource"},
      {"resource", json::object{{"name", "cpu"},
                                {"target", json::object{{"type", "Utilization"},
                                                        {"averageUtilization", utilization}}}}}};
}

json::object CpuCurrent(const json::value& utilization) {
  return {
      {"type", "Resource"},
      {"resource", json::object{{"name", "cpu"},
                                {"current", json::object{{"averageUtilization", utilization}}}}}};
}

template <typename Convert>
json::array Each(const json::array& items, Convert convert) {
  json::array out;
  for (const json::value& item : items) {
    out.push_back(convert(item.is_object() ? item.get_object() : json::object()));
  }
  return out;
}

class AutoscalerV1Converter : public Converter {
 public:
  Location StoredAs() const override { return {"autoscaling", "horizontalpodautoscalers"}; }
  json::object ToStorage(json::object served) const override {
    return AutoscalerToV2(std::move(served));
  }
  json::object FromStorage(json::object stored) const override {
    return AutoscalerFromV2(std::move(stored));
  }
};

}  // namespace

json::object AutoscalerToV2(json::object autoscaler) {
  // Kubernetes ignores an annotation it cannot read rather than failing the request.
  auto array_note = [&](std::string_view key) -> std::optional<json::array> {
    std::optional<std::string> text = Annotation(autoscaler, key);
    return text ? ObjectArray(*text) : std::nullopt;
  };
  std::optional<json::array> metrics = array_note(kMetricsAnnotation);
  std::optional<json::array> current_metrics = array_note(kCurrentMetricsAnnotation);
  std::optional<json::array> conditions = array_note(kConditionsAnnotation);
  std::optional<std::string> behavior_text = Annotation(autoscaler, kBehaviorAnnotation);
  std::optional<json::object> behavior =
      behavior_text ? BehaviorFromGo(*behavior_text) : std::nullopt;
  DropRoundTripAnnotations(autoscaler);
  autoscaler["apiVersion"] = "autoscaling/v2";
  autoscaler["kind"] = "HorizontalPodAutoscaler";

  json::object& spec = core::EnsureObject(autoscaler, "spec");
  json::value cpu_target = Take(spec, "targetCPUUtilizationPercentage");
  json::array spec_metrics = metrics ? Each(*metrics, MetricSpecFromV1) : json::array();
  if (!cpu_target.is_null()) spec_metrics.push_back(CpuTarget(cpu_target));
  if (spec_metrics.empty()) spec_metrics.push_back(CpuTarget(kDefaultCpuUtilization));
  spec["metrics"] = std::move(spec_metrics);
  if (behavior) spec["behavior"] = std::move(*behavior);

  json::object* status = MutableObject(autoscaler, "status");
  json::value cpu_current = status ? Take(*status, "currentCPUUtilizationPercentage") : nullptr;
  if (cpu_current.is_null() && !current_metrics && !conditions) return autoscaler;
  json::object& out = core::EnsureObject(autoscaler, "status");
  // The annotation has every measured metric, the CPU one with its raw value too.
  if (current_metrics) {
    out["currentMetrics"] = Each(*current_metrics, MetricStatusFromV1);
  } else if (!cpu_current.is_null()) {
    out["currentMetrics"] = json::array{CpuCurrent(cpu_current)};
  }
  if (conditions) out["conditions"] = std::move(*conditions);
  return autoscaler;
}

json::object AutoscalerFromV2(json::object autoscaler) {
  DropRoundTripAnnotations(autoscaler);
  autoscaler["apiVersion"] = "autoscaling/v1";
  autoscaler["kind"] = "HorizontalPodAutoscaler";

  json::array other_metrics;
  json::value behavior;
  if (json::object* spec = MutableObject(autoscaler, "spec")) {
    json::value metrics = Take(*spec, "metrics");
    behavior = Take(*spec, "behavior");
    bool have_cpu = false;
    if (!metrics.is_array()) metrics = json::array();
    for (const json::value& metric : metrics.get_array()) {
      // The first CPU utilization target is v1's own field; any further one is kept with the
      // other metrics rather than lost (Kubernetes looks no further than the first cpu metric).
      if (const json::value* cpu = have_cpu ? nullptr : CpuUtilization(metric, "target")) {
        (*spec)["targetCPUUtilizationPercentage"] = *cpu;
        have_cpu = true;
        continue;
      }
      other_metrics.push_back(
          MetricSpecToV1(metric.is_object() ? metric.get_object() : json::object()));
    }
  }

  json::value current_metrics;
  json::value conditions;
  if (json::object* status = MutableObject(autoscaler, "status")) {
    current_metrics = Take(*status, "currentMetrics");
    conditions = Take(*status, "conditions");
    if (current_metrics.is_array()) {
      for (const json::value& metric : current_metrics.get_array()) {
        if (const json::value* cpu = CpuUtilization(metric, "current")) {
          (*status)["currentCPUUtilizationPercentage"] = *cpu;
          break;
        }
      }
    }
  }

  // In the order Go writes map keys, so the annotations read as Kubernetes' do.
  if (behavior.is_object()) {
    Annotate(autoscaler, kBehaviorAnnotation, BehaviorToGo(behavior.get_object()));
  }
  if (conditions.is_array() && !conditions.get_array().empty()) {
    Annotate(autoscaler, kConditionsAnnotation, conditions);
  }
  if (current_metrics.is_array() && !current_metrics.get_array().empty()) {
    Annotate(autoscaler, kCurrentMetricsAnnotation,
             Each(current_metrics.get_array(), MetricStatusToV1));
  }
  if (!other_metrics.empty()) Annotate(autoscaler, kMetricsAnnotation, other_metrics);
  return autoscaler;
}

std::unique_ptr<Converter> NewAutoscalerV1Converter() {
  return std::make_unique<AutoscalerV1Converter>();
}

}  // namespace mini::cluster::registry::autoscaling
