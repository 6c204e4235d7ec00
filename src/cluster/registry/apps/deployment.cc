#include "cluster/registry/apps/deployment.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

void ValidateRollingUpdate(const json::object& rolling, FieldErrors& errors) {
  const std::string path = "spec.strategy.rollingUpdate";
  static const json::value kZero = 0;
  const json::value* unavailable = rolling.if_contains("maxUnavailable");
  const json::value* surge = rolling.if_contains("maxSurge");
  if (unavailable == nullptr || unavailable->is_null()) unavailable = &kZero;
  if (surge == nullptr || surge->is_null()) surge = &kZero;
  ValidatePositiveIntOrPercent(*unavailable, path + ".maxUnavailable", errors);
  ValidatePositiveIntOrPercent(*surge, path + ".maxSurge", errors);
  if (IntOrPercentValue(*unavailable) == 0 && IntOrPercentValue(*surge) == 0) {
    errors.push_back(InvalidGo(path + ".maxUnavailable", GoIntOrString(*unavailable),
                               "may not be 0 when `maxSurge` is 0"));
  }
  ValidateNotMoreThan100Percent(*unavailable, path + ".maxUnavailable", errors);
}

void ValidateStrategy(const json::object& spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::object* strategy = core::ObjectField(spec, "strategy");
  if (strategy == nullptr) strategy = &kEmpty;
  std::string type = core::StringField(*strategy, "type");
  const json::value* rolling = strategy->if_contains("rollingUpdate");
  bool has_rolling = rolling != nullptr && !rolling->is_null();
  if (type == "Recreate") {
    if (has_rolling) {
      errors.push_back(Forbidden("spec.strategy.rollingUpdate",
                                 "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type == "RollingUpdate") {
    if (!has_rolling || !rolling->is_object()) {
      errors.push_back(
          Required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"));
    } else {
      ValidateRollingUpdate(rolling->get_object(), errors);
    }
  } else {
    FieldError error = NotSupported("spec.strategy", *strategy, {"Recreate", "RollingUpdate"});
    if (!has_rolling) {
      error.value_text = fmt::format(
          "apps.DeploymentStrategy{{Type:{}, "
          "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}}",
          GoQuote(type));
    }
    errors.push_back(std::move(error));
  }
}

class DeploymentStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    SetIfAbsent(spec, "replicas", 1);
    json::object& strategy = core::EnsureObject(spec, "strategy");
    core::DefaultString(strategy, "type", "RollingUpdate");
    if (core::StringField(strategy, "type") == "RollingUpdate") {
      json::object& rolling = core::EnsureObject(strategy, "rollingUpdate");
      SetIfAbsent(rolling, "maxUnavailable", "25%");
      SetIfAbsent(rolling, "maxSurge", "25%");
    }
    SetIfAbsent(spec, "revisionHistoryLimit", 10);
    SetIfAbsent(spec, "progressDeadlineSeconds", 600);
    DefaultTemplate(spec);
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = core::ObjectField(object, "spec");
    if (spec == nullptr) spec = &kEmpty;
    ValidateReplicatedSpec(*spec, errors);
    ValidateStrategy(*spec, errors);
    ValidateNonnegativeAt(*spec, "minReadySeconds", "spec.minReadySeconds", errors);
    ValidateNonnegativeAt(*spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errors);
    int64_t deadline = 0;
    if (core::IntField(*spec, "progressDeadlineSeconds", deadline)) {
      core::ValidateNonnegative(deadline, "spec.progressDeadlineSeconds", errors);
      int64_t min_ready = 0;
      core::IntField(*spec, "minReadySeconds", min_ready);
      if (deadline <= min_ready) {
        errors.push_back(Invalid("spec.progressDeadlineSeconds", deadline,
                                 "must be greater than minReadySeconds"));
      }
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    const json::value* selector = ValueAt(object, "spec.selector");
    ValidateImmutable(selector, ValueAt(old, "spec.selector"), "spec.selector", errors,
                      GoLabelSelector(selector));
    return errors;
  }

  // Annotations count too: the controller copies them to the ReplicaSets it creates.
  bool SpecChanged(const json::object& object, const json::object& old) const override {
    return !SemanticEqual(ValueAt(object, "spec"), ValueAt(old, "spec")) ||
           !SemanticEqual(ValueAt(object, "metadata.annotations"),
                          ValueAt(old, "metadata.annotations"));
  }

  std::vector<Column> Columns() const override {
    return {NameColumn(),
            {"Ready", "string", "", "Ready pods out of the wanted number.", 0},
            {"Up-to-date", "string", "", "Pods that run the current template.", 0},
            {"Available", "string", "", "Pods ready for at least minReadySeconds.", 0},
            AgeColumn(),
            ContainersColumn(),
            ImagesColumn(),
            SelectorColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] = ContainerCells(ObjectAt(object, "spec.template.spec"));
    ParsedSelector selector = ParseSelector(ValueAt(object, "spec.selector"));
    return {json::string(StringAt(object, "metadata.name")),
            json::string(fmt::format("{}/{}", IntAt(object, "status.readyReplicas"),
                                     IntAt(object, "spec.replicas"))),
            IntAt(object, "status.updatedReplicas"),
            IntAt(object, "status.availableReplicas"),
            json::string(Age(object, now)),
            json::string(names),
            json::string(images),
            json::string(selector.valid ? selector.String() : "<invalid>")};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewDeploymentStrategy() { return std::make_unique<DeploymentStrategy>(); }

}  // namespace mini::cluster::registry::apps
