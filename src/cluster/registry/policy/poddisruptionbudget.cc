#include "cluster/registry/policy/poddisruptionbudget.h"

#include <boost/json.hpp>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::policy {
namespace json = boost::json;

namespace {

const json::value* Present(const json::object& spec, std::string_view key) {
  const json::value* value = spec.if_contains(key);
  return value != nullptr && !value->is_null() ? value : nullptr;
}

std::string LimitText(const json::object& object, std::string_view key) {
  const json::object* spec = ObjectAt(object, "spec");
  const json::value* value = spec != nullptr ? Present(*spec, key) : nullptr;
  return value != nullptr ? apps::IntOrStringText(*value) : "N/A";
}

class PodDisruptionBudgetStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = ObjectAt(object, "spec");
    if (spec == nullptr) spec = &kEmpty;
    const json::value* min_available = Present(*spec, "minAvailable");
    const json::value* max_unavailable = Present(*spec, "maxUnavailable");
    if (min_available != nullptr && max_unavailable != nullptr) {
      errors.push_back(
          Invalid("spec", *spec, "minAvailable and maxUnavailable cannot be both set"));
    }
    for (const auto& [key, value] :
         {std::pair{"minAvailable", min_available}, std::pair{"maxUnavailable", max_unavailable}}) {
      if (value == nullptr) continue;
      std::string path = std::string("spec.") + key;
      apps::ValidatePositiveIntOrPercent(*value, path, errors);
      apps::ValidateNotMoreThan100Percent(*value, path, errors);
    }
    apps::ValidateLabelSelector(spec->if_contains("selector"), "spec.selector", errors);
    if (const json::value* policy = Present(*spec, "unhealthyPodEvictionPolicy")) {
      std::string text = policy->is_string() ? std::string(policy->get_string()) : "";
      if (text != "AlwaysAllow" && text != "IfHealthyBudget") {
        errors.push_back(NotSupported("spec.unhealthyPodEvictionPolicy", json::string(text),
                                      {"AlwaysAllow", "IfHealthyBudget"}));
      }
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Min Available", "string", "", "Pods that must stay available.", 0},
            {"Max Unavailable", "string", "", "Pods that may be unavailable.", 0},
            {"Allowed Disruptions", "integer", "", "Pods that may be disrupted right now.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(LimitText(object, "minAvailable")),
            json::string(LimitText(object, "maxUnavailable")),
            IntAt(object, "status.disruptionsAllowed"), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewPodDisruptionBudgetStrategy() {
  return std::make_unique<PodDisruptionBudgetStrategy>();
}

}  // namespace mini::cluster::registry::policy
