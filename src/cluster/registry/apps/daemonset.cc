#include "cluster/registry/apps/daemonset.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

// The template generation older clients read; a real cluster counts template changes here.
constexpr const char* kTemplateGeneration = "deprecated.daemonset.template.generation";

int64_t TemplateGeneration(const json::object& object) {
  const json::object* annotations = ObjectAt(object, "metadata.annotations");
  std::string text = annotations ? core::StringField(*annotations, kTemplateGeneration) : "";
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void SetTemplateGeneration(json::object& object, int64_t generation) {
  json::object& annotations =
      core::EnsureObject(core::EnsureObject(object, "metadata"), "annotations");
  annotations[kTemplateGeneration] = std::to_string(generation);
}

void ValidateRollingUpdate(const json::object& rolling, FieldErrors& errors) {
  const std::string path = "spec.updateStrategy.rollingUpdate";
  static const json::value kZero = 0;
  const json::value* unavailable = rolling.if_contains("maxUnavailable");
  const json::value* surge = rolling.if_contains("maxSurge");
  if (unavailable == nullptr || unavailable->is_null()) unavailable = &kZero;
  if (surge == nullptr || surge->is_null()) surge = &kZero;
  ValidatePositiveIntOrPercent(*unavailable, path + ".maxUnavailable", errors);
  ValidatePositiveIntOrPercent(*surge, path + ".maxSurge", errors);
  ValidateNotMoreThan100Percent(*unavailable, path + ".maxUnavailable", errors);
  ValidateNotMoreThan100Percent(*surge, path + ".maxSurge", errors);
  bool has_unavailable = IntOrPercentValue(*unavailable) != 0;
  bool has_surge = IntOrPercentValue(*surge) != 0;
  if (has_unavailable && has_surge) {
    errors.push_back(InvalidGo(path + ".maxSurge", GoIntOrString(*surge),
                               "may not be set when maxUnavailable is non-zero"));
  } else if (!has_unavailable && !has_surge) {
    errors.push_back(Required(path + ".maxUnavailable", "cannot be 0 when maxSurge is 0"));
  }
}

void ValidateUpdateStrategy(const json::object& spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::object* strategy = core::ObjectField(spec, "updateStrategy");
  if (strategy == nullptr) strategy = &kEmpty;
  std::string type = core::StringField(*strategy, "type");
  const json::object* rolling = core::ObjectField(*strategy, "rollingUpdate");
  if (type == "OnDelete") return;
  if (type == "RollingUpdate") {
    if (rolling == nullptr) {
      errors.push_back(Required("spec.updateStrategy.rollingUpdate"));
    } else {
      ValidateRollingUpdate(*rolling, errors);
    }
    return;
  }
  FieldError error = NotSupported("spec.updateStrategy", *strategy, {"RollingUpdate", "OnDelete"});
  if (rolling == nullptr) {
    error.value_text = fmt::format(
        "apps.DaemonSetUpdateStrategy{{Type:{}, "
        "RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}}",
        GoQuote(type));
  }
  errors.push_back(std::move(error));
}

class DaemonSetStrategy : public Strategy {
 public:
  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    SetTemplateGeneration(object, 1);
  }

  void PrepareForUpdate(json::object& object, const json::object& old) const override {
    Strategy::PrepareForUpdate(object, old);
    // Compare defaulted templates, as upstream does after decoding.
    Default(object);
    int64_t generation = TemplateGeneration(old);
    if (!SemanticEqual(ValueAt(object, "spec.template"), ValueAt(old, "spec.template"))) {
      ++generation;
    }
    if (generation > 0) SetTemplateGeneration(object, generation);
  }

  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    json::object& strategy = core::EnsureObject(spec, "updateStrategy");
    core::DefaultString(strategy, "type", "RollingUpdate");
    if (core::StringField(strategy, "type") == "RollingUpdate") {
      json::object& rolling = core::EnsureObject(strategy, "rollingUpdate");
      SetIfAbsent(rolling, "maxUnavailable", 1);
      SetIfAbsent(rolling, "maxSurge", 0);
    }
    SetIfAbsent(spec, "revisionHistoryLimit", 10);
    DefaultTemplate(spec);
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = core::ObjectField(object, "spec");
    if (spec == nullptr) spec = &kEmpty;
    const json::value* selector_value = spec->if_contains("selector");
    ValidateLabelSelector(selector_value, "spec.selector", errors);
    ParsedSelector selector = ParseSelector(selector_value);
    const json::value* labels = ValueAt(*spec, "template.metadata.labels");
    if (selector.valid && !selector.Matches(labels)) {
      errors.push_back(InvalidGo("spec.template.metadata.labels", GoStringMap(labels),
                                 "`selector` does not match template `labels`"));
    }
    if (selector_value != nullptr && selector_value->is_object() &&
        !SelectorHasTerms(*selector_value)) {
      errors.push_back(InvalidGo("spec.selector", GoLabelSelector(selector_value),
                                 "empty selector is invalid for daemonset"));
    }
    ValidateServingTemplate(*spec, "spec.template", "DaemonSet", true, errors);
    ValidateNonnegativeAt(*spec, "minReadySeconds", "spec.minReadySeconds", errors);
    ValidateUpdateStrategy(*spec, errors);
    ValidateNonnegativeAt(*spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errors);
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    const json::value* selector = ValueAt(object, "spec.selector");
    ValidateImmutable(selector, ValueAt(old, "spec.selector"), "spec.selector", errors,
                      GoLabelSelector(selector));
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {NameColumn(),
            {"Desired", "integer", "", "Nodes that should run the daemon pod.", 0},
            {"Current", "integer", "", "Nodes that run at least one daemon pod.", 0},
            {"Ready", "integer", "", "Nodes whose daemon pod is ready.", 0},
            {"Up-to-date", "integer", "", "Nodes that run the current template.", 0},
            {"Available", "integer", "", "Nodes whose daemon pod is available.", 0},
            {"Node Selector", "string", "", "Labels a node must have to run the pod.", 0},
            AgeColumn(),
            ContainersColumn(),
            ImagesColumn(),
            SelectorColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] = ContainerCells(ObjectAt(object, "spec.template.spec"));
    return {json::string(StringAt(object, "metadata.name")),
            IntAt(object, "status.desiredNumberScheduled"),
            IntAt(object, "status.currentNumberScheduled"),
            IntAt(object, "status.numberReady"),
            IntAt(object, "status.updatedNumberScheduled"),
            IntAt(object, "status.numberAvailable"),
            json::string(FormatLabels(ObjectAt(object, "spec.template.spec.nodeSelector"))),
            json::string(Age(object, now)),
            json::string(names),
            json::string(images),
            json::string(FormatSelector(ValueAt(object, "spec.selector")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewDaemonSetStrategy() { return std::make_unique<DaemonSetStrategy>(); }

}  // namespace mini::cluster::registry::apps
