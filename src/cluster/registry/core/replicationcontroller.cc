#include "cluster/registry/core/replicationcontroller.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec.h"
#include "cluster/registry/core/template_cells.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

bool SelectorMatches(const json::object& selector, const json::object* labels) {
  for (const auto& [key, value] : selector) {
    const json::value* label = labels ? labels->if_contains(key) : nullptr;
    if (label == nullptr || *label != value) return false;
  }
  return true;
}

class ReplicationControllerStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::object& spec = EnsureObject(object, "spec");
    if (!spec.contains("replicas") || spec["replicas"].is_null()) spec["replicas"] = 1;
    if (ObjectField(spec, "template") == nullptr) return;
    if (const json::object* labels = ObjectAt(spec, "template.metadata.labels")) {
      // Copied first: inserting into spec or metadata may move what `labels` points to.
      json::object copy = *labels;
      const json::object* selector = ObjectField(spec, "selector");
      if (selector == nullptr || selector->empty()) spec["selector"] = copy;
      json::object& metadata = EnsureObject(object, "metadata");
      const json::object* own = ObjectField(metadata, "labels");
      if (own == nullptr || own->empty()) metadata["labels"] = copy;
    }
    DefaultPodSpec(EnsureObject(EnsureObject(spec, "template"), "spec"));
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    int64_t value = 0;
    IntField(spec, "minReadySeconds", value);
    ValidateNonnegative(value, "spec.minReadySeconds", errors);
    const json::object* selector = ObjectField(spec, "selector");
    if (selector == nullptr || selector->empty()) errors.push_back(Required("spec.selector"));
    value = 0;
    IntField(spec, "replicas", value);
    ValidateNonnegative(value, "spec.replicas", errors);
    const json::object* tmpl = ObjectField(spec, "template");
    if (tmpl == nullptr) {
      errors.push_back(Required("spec.template"));
      return errors;
    }
    const json::object* labels = ObjectAt(*tmpl, "metadata.labels");
    if (selector && !selector->empty() && !SelectorMatches(*selector, labels)) {
      FieldError error = Invalid("spec.template.metadata.labels", nullptr,
                                 "`selector` does not match template `labels`");
      error.value_text = GoStringMap(labels);
      errors.push_back(std::move(error));
    }
    ValidatePodTemplate(*tmpl, "spec.template", errors);
    const json::object* pod_spec = ObjectField(*tmpl, "spec");
    std::string restart = pod_spec ? StringField(*pod_spec, "restartPolicy") : "";
    if (restart != "Always") {
      errors.push_back(
          NotSupported("spec.template.spec.restartPolicy", json::string(restart), {"Always"}));
    }
    if (pod_spec && pod_spec->contains("activeDeadlineSeconds") &&
        !pod_spec->at("activeDeadlineSeconds").is_null()) {
      errors.push_back(Forbidden("spec.template.spec.activeDeadlineSeconds",
                                 "activeDeadlineSeconds in ReplicationController is not "
                                 "Supported"));
    }
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"status.replicas", std::to_string(IntAt(object, "status.replicas"))}};
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Desired", "integer", "", "The number of pods wanted.", 0},
            {"Current", "integer", "", "The number of pods that exist.", 0},
            {"Ready", "integer", "", "The number of pods that are ready.", 0},
            {"Age", "string", "", "Time since the controller was created.", 0},
            {"Containers", "string", "", "Names of each container in the template.", 1},
            {"Images", "string", "", "Images referenced by each container in the template.", 1},
            {"Selector", "string", "", "Labels the pods must carry.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] = ContainerCells(ObjectAt(object, "spec.template.spec"));
    return {json::string(StringAt(object, "metadata.name")),
            IntAt(object, "spec.replicas"),
            IntAt(object, "status.replicas"),
            IntAt(object, "status.readyReplicas"),
            json::string(Age(object, now)),
            json::string(names),
            json::string(images),
            json::string(FormatLabels(ObjectAt(object, "spec.selector")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewReplicationControllerStrategy(const StrategyContext&) {
  return std::make_unique<ReplicationControllerStrategy>();
}

}  // namespace mini::cluster::registry::core
