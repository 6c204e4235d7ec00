#include "cluster/registry/apps/replicaset.h"

#include <boost/json.hpp>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

class ReplicaSetStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    SetIfAbsent(spec, "replicas", 1);
    DefaultTemplate(spec);
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = core::ObjectField(object, "spec");
    if (spec == nullptr) spec = &kEmpty;
    ValidateNonnegativeAt(*spec, "minReadySeconds", "spec.minReadySeconds", errors);
    ValidateReplicatedSpec(*spec, errors);
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    const json::value* selector = ValueAt(object, "spec.selector");
    ValidateImmutable(selector, ValueAt(old, "spec.selector"), "spec.selector", errors,
                      GoLabelSelector(selector));
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"status.replicas", std::to_string(IntAt(object, "status.replicas"))}};
  }

  std::vector<Column> Columns() const override {
    return {NameColumn(),
            {"Desired", "integer", "", "How many pods the ReplicaSet should run.", 0},
            {"Current", "integer", "", "How many pods the ReplicaSet last counted.", 0},
            {"Ready", "integer", "", "How many of its pods are ready.", 0},
            AgeColumn(),
            ContainersColumn(),
            ImagesColumn(),
            SelectorColumn()};
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
            json::string(FormatSelector(ValueAt(object, "spec.selector")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewReplicaSetStrategy() { return std::make_unique<ReplicaSetStrategy>(); }

}  // namespace mini::cluster::registry::apps
