#include "cluster/registry/autoscaling/horizontalpodautoscaler.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/autoscaling/metrics.h"
#include "cluster/registry/autoscaling/v1_annotations.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;
using apps::SetIfAbsent;
using core::Child;
using core::Index;

namespace {

constexpr int64_t kMaxPeriodSeconds = 1800;
constexpr int64_t kMaxStabilizationWindowSeconds = 3600;

// Without explicit rules the autoscaler may add 4 pods or double them every 15 seconds, and
// remove up to all surplus pods every 15 seconds.
json::object DefaultRules(bool scale_up) {
  json::array policies;
  if (scale_up) {
    policies.push_back(json::object{{"type", "Pods"}, {"value", 4}, {"periodSeconds", 15}});
  }
  policies.push_back(json::object{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}});
  json::object rules = {{"selectPolicy", "Max"}, {"policies", std::move(policies)}};
  if (scale_up) rules["stabilizationWindowSeconds"] = 0;
  return rules;
}

// Fills what the user left out of one direction's rules.
void DefaultScalingRules(json::object& behavior, const char* direction, bool scale_up) {
  json::object defaults = DefaultRules(scale_up);
  json::value* rules = behavior.if_contains(direction);
  if (rules == nullptr || !rules->is_object()) {
    behavior[direction] = std::move(defaults);
    return;
  }
  for (const char* key : {"selectPolicy", "stabilizationWindowSeconds", "policies"}) {
    if (const json::value* value = defaults.if_contains(key)) {
      SetIfAbsent(rules->get_object(), key, *value);
    }
  }
}

void ValidateScalingRules(const json::object& rules, const std::string& path, FieldErrors& errors) {
  int64_t window = 0;
  if (core::IntField(rules, "stabilizationWindowSeconds", window)) {
    std::string at = Child(path, "stabilizationWindowSeconds");
    if (window < 0) errors.push_back(Invalid(at, window, "must be greater than or equal to zero"));
    if (window > kMaxStabilizationWindowSeconds) {
      errors.push_back(
          Invalid(at, window,
                  fmt::format("must be less than or equal to {}", kMaxStabilizationWindowSeconds)));
    }
  }
  if (const json::value* select = rules.if_contains("selectPolicy");
      select != nullptr && select->is_string()) {
    std::string_view value = select->get_string();
    if (value != "Max" && value != "Min" && value != "Disabled") {
      errors.push_back(
          NotSupported(Child(path, "selectPolicy"), *select, {"Disabled", "Max", "Min"}));
    }
  }
  const json::array* policies = core::ArrayField(rules, "policies");
  if (policies == nullptr || policies->empty()) {
    errors.push_back(Required(Child(path, "policies"), "must specify at least one Policy"));
    return;
  }
  for (size_t i = 0; i < policies->size(); ++i) {
    static const json::object kEmpty;
    const json::object* policy = (*policies)[i].if_object();
    if (policy == nullptr) policy = &kEmpty;
    std::string at = Index(Child(path, "policies"), i);
    std::string type = core::StringField(*policy, "type");
    if (type != "Pods" && type != "Percent") {
      errors.push_back(NotSupported(Child(at, "type"), json::string(type), {"Percent", "Pods"}));
    }
    int64_t value = 0;
    core::IntField(*policy, "value", value);
    if (value <= 0)
      errors.push_back(Invalid(Child(at, "value"), value, "must be greater than zero"));
    int64_t period = 0;
    core::IntField(*policy, "periodSeconds", period);
    if (period <= 0) {
      errors.push_back(Invalid(Child(at, "periodSeconds"), period, "must be greater than zero"));
    }
    if (period > kMaxPeriodSeconds) {
      errors.push_back(Invalid(Child(at, "periodSeconds"), period,
                               fmt::format("must be less than or equal to {}", kMaxPeriodSeconds)));
    }
  }
}

void ValidateTargetRef(const json::object& spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::object* ref = core::ObjectField(spec, "scaleTargetRef");
  ValidateObjectReference(ref != nullptr ? *ref : kEmpty, "spec.scaleTargetRef", errors);
}

FieldErrors ValidateSpec(const json::object& object, int64_t min_replicas_floor) {
  FieldErrors errors;
  static const json::object kEmpty;
  const json::object* spec = ObjectAt(object, "spec");
  if (spec == nullptr) spec = &kEmpty;
  int64_t min_replicas = 0;
  bool has_min = core::IntField(*spec, "minReplicas", min_replicas);
  int64_t max_replicas = 0;
  core::IntField(*spec, "maxReplicas", max_replicas);
  if (has_min && min_replicas < min_replicas_floor) {
    errors.push_back(
        Invalid("spec.minReplicas", min_replicas,
                fmt::format("must be greater than or equal to {}", min_replicas_floor)));
  }
  if (max_replicas < 1) {
    errors.push_back(Invalid("spec.maxReplicas", max_replicas, "must be greater than 0"));
  }
  if (has_min && max_replicas < min_replicas) {
    errors.push_back(Invalid("spec.maxReplicas", max_replicas,
                             "must be greater than or equal to `minReplicas`"));
  }
  ValidateTargetRef(*spec, errors);
  ValidateMetrics(core::ArrayField(*spec, "metrics"), has_min ? &min_replicas : nullptr, errors);
  if (const json::object* behavior = core::ObjectField(*spec, "behavior")) {
    for (const char* direction : {"scaleUp", "scaleDown"}) {
      if (const json::object* rules = core::ObjectField(*behavior, direction)) {
        ValidateScalingRules(*rules, std::string("spec.behavior.") + direction, errors);
      }
    }
  }
  return errors;
}

class HorizontalPodAutoscalerStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    DropRoundTripAnnotations(object);
    json::object& spec = core::EnsureObject(object, "spec");
    SetIfAbsent(spec, "minReplicas", 1);
    const json::array* metrics = core::ArrayField(spec, "metrics");
    if (metrics == nullptr || metrics->empty()) {
      spec["metrics"] = json::array{json::object{
          {"type", "Resource"},
          {"resource", json::object{{"name", "cpu"},
                                    {"target", json::object{{"type", "Utilization"},
                                                            {"averageUtilization",
                                                             kDefaultCpuUtilization}}}}}}};
    }
    if (json::value* behavior = spec.if_contains("behavior");
        behavior != nullptr && behavior->is_object()) {
      DefaultScalingRules(behavior->get_object(), "scaleUp", true);
      DefaultScalingRules(behavior->get_object(), "scaleDown", false);
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    return ValidateSpec(object, 1);
  }

  // An autoscaler already at zero replicas (from a cluster that allowed it) may stay there.
  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    int64_t old_min = 1;
    const json::object* old_spec = ObjectAt(old, "spec");
    bool was_zero =
        old_spec != nullptr && core::IntField(*old_spec, "minReplicas", old_min) && old_min == 0;
    return ValidateSpec(object, was_zero ? 0 : 1);
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Reference", "string", "", "The workload being scaled.", 0},
            {"Targets", "string", "", "Current and target values of the metrics.", 0},
            {"MinPods", "string", "", "The fewest replicas the autoscaler sets.", 0},
            {"MaxPods", "string", "", "The most replicas the autoscaler sets.", 0},
            {"Replicas", "string", "", "The workload's current replica count.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::object* spec = ObjectAt(object, "spec");
    int64_t min_replicas = 0;
    bool has_min = spec != nullptr && core::IntField(*spec, "minReplicas", min_replicas);
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "spec.scaleTargetRef.kind") + "/" +
                         StringAt(object, "spec.scaleTargetRef.name")),
            json::string(FormatTargets(object)),
            json::string(has_min ? std::to_string(min_replicas) : "<unset>"),
            IntAt(object, "spec.maxReplicas"),
            IntAt(object, "status.currentReplicas"),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewHorizontalPodAutoscalerStrategy() {
  return std::make_unique<HorizontalPodAutoscalerStrategy>();
}

}  // namespace mini::cluster::registry::autoscaling
