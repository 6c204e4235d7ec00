#include "cluster/registry/core/podtemplate.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec.h"
#include "cluster/registry/core/template_cells.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

class PodTemplateStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    DefaultPodSpec(EnsureObject(EnsureObject(object, "template"), "spec"));
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* tmpl = ObjectField(object, "template");
    ValidatePodTemplate(tmpl ? *tmpl : kEmpty, "template", errors);
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Containers", "string", "", "Names of each container in the template.", 0},
            {"Images", "string", "", "Images referenced by each container in the template.", 0},
            {"Pod Labels", "string", "", "The labels for the pod template.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point) const override {
    auto [names, images] = ContainerCells(ObjectAt(object, "template.spec"));
    return {json::string(StringAt(object, "metadata.name")), json::string(names),
            json::string(images),
            json::string(FormatLabels(ObjectAt(object, "template.metadata.labels")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewPodTemplateStrategy(const StrategyContext&) {
  return std::make_unique<PodTemplateStrategy>();
}

}  // namespace mini::cluster::registry::core
