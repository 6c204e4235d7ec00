#include "cluster/registry/coordination/lease.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::coordination {
namespace json = boost::json;

namespace {

// Kubernetes-defined strategies are bare names; others are "<domain>/<name>".
void ValidateStrategy(const std::string& strategy, FieldErrors& errors) {
  // upstream names the field twice in this path.
  const std::string path = "spec.strategy.strategy";
  if (strategy.find('/') == std::string::npos) {
    if (strategy != "OldestEmulationVersion") {
      errors.push_back(NotSupported(path, json::string(strategy), {"OldestEmulationVersion"}));
    }
    return;
  }
  core::AddInvalid(errors, path, json::string(strategy),
                   mini::api::meta::IsQualifiedName(strategy));
}

class LeaseStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* spec = ObjectAt(object, "spec");
    if (spec == nullptr) return errors;
    int64_t value = 0;
    if (core::IntField(*spec, "leaseDurationSeconds", value) && value <= 0) {
      errors.push_back(Invalid("spec.leaseDurationSeconds", value, "must be greater than 0"));
    }
    if (core::IntField(*spec, "leaseTransitions", value) && value < 0) {
      errors.push_back(
          Invalid("spec.leaseTransitions", value, "must be greater than or equal to 0"));
    }
    const json::value* strategy = spec->if_contains("strategy");
    bool has_strategy = strategy != nullptr && strategy->is_string();
    if (has_strategy) ValidateStrategy(std::string(strategy->get_string()), errors);
    std::string preferred = core::StringField(*spec, "preferredHolder");
    if (!preferred.empty() && (!has_strategy || strategy->get_string().empty())) {
      errors.push_back(
          Forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Holder", "string", "", "Who holds the lease now.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "spec.holderIdentity")), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewLeaseStrategy() { return std::make_unique<LeaseStrategy>(); }

}  // namespace mini::cluster::registry::coordination
