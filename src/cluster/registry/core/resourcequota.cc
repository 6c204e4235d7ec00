#include "cluster/registry/core/resourcequota.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

const std::set<std::string>& StandardQuotaResources() {
  static const std::set<std::string> kNames = {"pods",
                                               "services",
                                               "replicationcontrollers",
                                               "resourcequotas",
                                               "secrets",
                                               "configmaps",
                                               "persistentvolumeclaims",
                                               "services.nodeports",
                                               "services.loadbalancers",
                                               "cpu",
                                               "memory",
                                               "ephemeral-storage",
                                               "requests.cpu",
                                               "requests.memory",
                                               "requests.storage",
                                               "requests.ephemeral-storage",
                                               "limits.cpu",
                                               "limits.memory",
                                               "limits.ephemeral-storage"};
  return kNames;
}

// Object counts cannot be fractional.
bool IsIntegerResource(const std::string& name) {
  static const std::set<std::string> kCounts = {"pods",
                                                "services",
                                                "replicationcontrollers",
                                                "resourcequotas",
                                                "secrets",
                                                "configmaps",
                                                "persistentvolumeclaims",
                                                "services.nodeports",
                                                "services.loadbalancers"};
  return kCounts.count(name) != 0 || name.rfind("count/", 0) == 0;
}

void ValidateHard(const json::object* hard, const std::string& path, FieldErrors& errors) {
  if (hard == nullptr) return;
  for (const auto& [key, value] : *hard) {
    std::string name(key);
    std::string at = Key(path, name);
    std::vector<std::string> problems = mini::api::meta::IsQualifiedName(name);
    if (!problems.empty()) {
      AddInvalid(errors, at, json::string(name), problems);
    } else if (name.find('/') == std::string::npos && StandardQuotaResources().count(name) == 0 &&
               name.rfind("hugepages-", 0) != 0 && name.rfind("requests.hugepages-", 0) != 0) {
      errors.push_back(Invalid(at, json::string(name), "must be a standard resource for quota"));
    }
    std::optional<Quantity> quantity = QuantityOf(value);
    if (!quantity) {
      errors.push_back(Invalid(at, value, kQuantityRegexError));
      continue;
    }
    if (quantity->nanos < 0) {
      errors.push_back(Invalid(at, json::string(FormatQuantity(*quantity)),
                               "must be greater than or equal to 0"));
    }
    if (IsIntegerResource(name) && quantity->nanos % 1000000000 != 0) {
      errors.push_back(Invalid(at, json::string(FormatQuantity(*quantity)), "must be an integer"));
    }
  }
}

std::set<std::string> Scopes(const json::object& object) {
  std::set<std::string> out;
  const json::object* spec = ObjectField(object, "spec");
  const json::array* scopes = spec ? ArrayField(*spec, "scopes") : nullptr;
  for (size_t i = 0; scopes && i < scopes->size(); ++i) {
    if ((*scopes)[i].is_string()) out.insert(std::string((*scopes)[i].get_string()));
  }
  return out;
}

std::string QuantityText(const json::object* list, const std::string& name) {
  const json::value* value = list ? list->if_contains(name) : nullptr;
  if (value == nullptr) return "0";
  std::optional<Quantity> quantity = QuantityOf(*value);
  return quantity ? FormatQuantity(*quantity) : "0";
}

class ResourceQuotaStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* spec = ObjectField(object, "spec");
    ValidateHard(spec ? ObjectField(*spec, "hard") : nullptr, "spec.hard", errors);
    std::set<std::string> scopes = Scopes(object);
    static const std::set<std::string> kScopes = {"Terminating",   "NotTerminating",
                                                  "BestEffort",    "NotBestEffort",
                                                  "PriorityClass", "CrossNamespacePodAffinity"};
    const json::array* list = spec ? ArrayField(*spec, "scopes") : nullptr;
    for (const std::string& scope : scopes) {
      if (kScopes.count(scope) == 0) {
        errors.push_back(Invalid("spec.scopes", *list, "unsupported scope"));
      }
    }
    if ((scopes.count("BestEffort") && scopes.count("NotBestEffort")) ||
        (scopes.count("Terminating") && scopes.count("NotTerminating"))) {
      errors.push_back(Invalid("spec.scopes", *list, "conflicting scopes"));
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    if (Scopes(object) != Scopes(old)) {
      const json::object* spec = ObjectField(object, "spec");
      const json::array* scopes = spec ? ArrayField(*spec, "scopes") : nullptr;
      errors.push_back(Invalid("spec.scopes", scopes ? json::value(*scopes) : json::value(nullptr),
                               kFieldImmutable));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Age", "string", "", "Time since the quota was created.", 0},
            {"Request", "string", "",
             "Request represents a minimum amount of cpu/memory that a container may consume.", 0},
            {"Limit", "string", "",
             "Limits control the maximum amount of cpu/memory that a container may use "
             "independent of contention on the node.",
             0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::object* status = ObjectField(object, "status");
    const json::object* hard = status ? ObjectField(*status, "hard") : nullptr;
    const json::object* used = status ? ObjectField(*status, "used") : nullptr;
    std::vector<std::string> names;
    for (const auto& [name, value] : hard ? *hard : json::object()) names.emplace_back(name);
    std::sort(names.begin(), names.end());
    std::string requests;
    std::string limits;
    for (const std::string& name : names) {
      std::string& column = name.rfind("limits.", 0) == 0 ? limits : requests;
      column += (column.empty() ? "" : ", ") + name + ": " + QuantityText(used, name) + "/" +
                QuantityText(hard, name);
    }
    return {json::string(StringAt(object, "metadata.name")), json::string(Age(object, now)),
            json::string(requests), json::string(limits)};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewResourceQuotaStrategy(const StrategyContext&) {
  return std::make_unique<ResourceQuotaStrategy>();
}

}  // namespace mini::cluster::registry::core
