#include "cluster/registry/apps/statefulset.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

// What a real cluster shows in each claim template: the type, the volume mode and the phase a
// new claim starts in.
void DefaultClaimTemplates(json::object& spec) {
  json::value* claims = spec.if_contains("volumeClaimTemplates");
  if (claims == nullptr || !claims->is_array()) return;
  for (json::value& item : claims->get_array()) {
    json::object* claim = item.if_object();
    if (claim == nullptr) continue;
    core::DefaultString(*claim, "apiVersion", "v1");
    core::DefaultString(*claim, "kind", "PersistentVolumeClaim");
    SetIfAbsent(core::EnsureObject(*claim, "spec"), "volumeMode", "Filesystem");
    core::DefaultString(core::EnsureObject(*claim, "status"), "phase", "Pending");
  }
}

void ValidateRollingUpdate(const json::object& rolling, FieldErrors& errors) {
  const std::string path = "spec.updateStrategy.rollingUpdate";
  ValidateNonnegativeAt(rolling, "partition", path + ".partition", errors);
  const json::value* unavailable = rolling.if_contains("maxUnavailable");
  if (unavailable == nullptr || unavailable->is_null()) return;
  ValidatePositiveIntOrPercent(*unavailable, path + ".maxUnavailable", errors);
  if (IntOrPercentValue(*unavailable) == 0) {
    errors.push_back(
        InvalidGo(path + ".maxUnavailable", GoIntOrString(*unavailable), "cannot be 0"));
  }
  ValidateNotMoreThan100Percent(*unavailable, path + ".maxUnavailable", errors);
}

void ValidateUpdateStrategy(const json::object& spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::object* strategy = core::ObjectField(spec, "updateStrategy");
  if (strategy == nullptr) strategy = &kEmpty;
  std::string type = core::StringField(*strategy, "type");
  const json::object* rolling = core::ObjectField(*strategy, "rollingUpdate");
  if (type.empty()) {
    errors.push_back(Required("spec.updateStrategy"));
  } else if (type == "OnDelete") {
    if (rolling != nullptr) {
      FieldError error = Invalid("spec.updateStrategy.rollingUpdate", *rolling,
                                 "only allowed for updateStrategy 'RollingUpdate'");
      if (!rolling->contains("maxUnavailable")) {
        int64_t partition = 0;
        core::IntField(*rolling, "partition", partition);
        error.value_text = fmt::format(
            "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, "
            "MaxUnavailable:(*intstr.IntOrString)(nil)}}",
            partition);
      }
      errors.push_back(std::move(error));
    }
  } else if (type == "RollingUpdate") {
    if (rolling != nullptr) ValidateRollingUpdate(*rolling, errors);
  } else {
    FieldError error =
        Invalid("spec.updateStrategy", *strategy, "must be 'RollingUpdate' or 'OnDelete'");
    if (rolling == nullptr) {
      error.value_text = fmt::format(
          "apps.StatefulSetUpdateStrategy{{Type:{}, "
          "RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}}",
          GoQuote(type));
    }
    errors.push_back(std::move(error));
  }
}

void ValidateRetentionPolicy(const json::object& spec, FieldErrors& errors) {
  const json::object* policy = core::ObjectField(spec, "persistentVolumeClaimRetentionPolicy");
  if (policy == nullptr) return;
  for (const char* key : {"whenDeleted", "whenScaled"}) {
    std::string value = core::StringField(*policy, key);
    if (value != "Retain" && value != "Delete") {
      errors.push_back(
          NotSupported(fmt::format("spec.persistentVolumeClaimRetentionPolicy.{}", key),
                       json::string(value), {"Retain", "Delete"}));
    }
  }
}

FieldErrors ValidateSpec(const json::object& spec) {
  FieldErrors errors;
  std::string policy = core::StringField(spec, "podManagementPolicy");
  if (policy.empty()) {
    errors.push_back(Required("spec.podManagementPolicy"));
  } else if (policy != "OrderedReady" && policy != "Parallel") {
    errors.push_back(Invalid("spec.podManagementPolicy", json::string(policy),
                             "must be 'OrderedReady' or 'Parallel'"));
  }
  ValidateUpdateStrategy(spec, errors);
  ValidateRetentionPolicy(spec, errors);
  ValidateNonnegativeAt(spec, "replicas", "spec.replicas", errors);
  ValidateNonnegativeAt(spec, "minReadySeconds", "spec.minReadySeconds", errors);
  if (const json::object* ordinals = core::ObjectField(spec, "ordinals")) {
    ValidateNonnegativeAt(*ordinals, "start", "spec.ordinals.start", errors);
  }
  ParsedSelector selector = ValidateRequiredSelector(spec, "statefulset", errors);
  if (!selector.valid) {
    errors.push_back(InvalidGo("spec.selector", GoLabelSelector(spec.if_contains("selector")), ""));
    return errors;
  }
  ValidateSelectorMatchesTemplate(selector, spec, "spec.template.metadata.labels", errors);
  // As upstream, the pod spec itself is not checked: its mounts may name claim templates, which
  // are no volumes of the template.
  ValidateServingTemplate(spec, "spec.template", "StatefulSet", false, errors);
  return errors;
}

class StatefulSetStrategy : public Strategy {
 public:
  // Pods get their hostname from the set's name, so it must be a DNS label.
  std::vector<std::string> ValidateName(std::string_view name) const override {
    return mini::api::meta::IsDns1123Label(name);
  }

  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    core::DefaultString(spec, "podManagementPolicy", "OrderedReady");
    json::object& strategy = core::EnsureObject(spec, "updateStrategy");
    if (core::StringField(strategy, "type").empty()) {
      strategy["type"] = "RollingUpdate";
      core::EnsureObject(strategy, "rollingUpdate");
    }
    if (core::StringField(strategy, "type") == "RollingUpdate") {
      if (json::value* rolling = strategy.if_contains("rollingUpdate");
          rolling != nullptr && rolling->is_object()) {
        SetIfAbsent(rolling->get_object(), "partition", 0);
      }
    }
    json::object& retention = core::EnsureObject(spec, "persistentVolumeClaimRetentionPolicy");
    core::DefaultString(retention, "whenDeleted", "Retain");
    core::DefaultString(retention, "whenScaled", "Retain");
    SetIfAbsent(spec, "replicas", 1);
    SetIfAbsent(spec, "revisionHistoryLimit", 10);
    DefaultTemplate(spec);
    DefaultClaimTemplates(spec);
  }

  FieldErrors Validate(const json::object& object) const override {
    static const json::object kEmpty;
    const json::object* spec = core::ObjectField(object, "spec");
    return ValidateSpec(spec != nullptr ? *spec : kEmpty);
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    static const json::object kEmpty;
    const json::object* spec = core::ObjectField(object, "spec");
    const json::object* old_spec = core::ObjectField(old, "spec");
    json::object rest = spec != nullptr ? *spec : kEmpty;
    json::object old_rest = old_spec != nullptr ? *old_spec : kEmpty;
    for (const char* key : {"replicas", "ordinals", "template", "updateStrategy",
                            "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
      rest.erase(key);
      old_rest.erase(key);
    }
    json::value now = rest;
    json::value before = old_rest;
    if (!SemanticEqual(&now, &before)) {
      errors.push_back(
          Forbidden("spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                    "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                    "'minReadySeconds' are forbidden"));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {NameColumn(),
            {"Ready", "string", "", "Ready pods out of the wanted number.", 0},
            AgeColumn(),
            ContainersColumn(),
            ImagesColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] = ContainerCells(ObjectAt(object, "spec.template.spec"));
    return {json::string(StringAt(object, "metadata.name")),
            json::string(fmt::format("{}/{}", IntAt(object, "status.readyReplicas"),
                                     IntAt(object, "spec.replicas"))),
            json::string(Age(object, now)), json::string(names), json::string(images)};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewStatefulSetStrategy() {
  return std::make_unique<StatefulSetStrategy>();
}

}  // namespace mini::cluster::registry::apps
