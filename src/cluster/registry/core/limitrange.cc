#include "cluster/registry/core/limitrange.h"

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

void FillMissing(json::object& target, const json::object* source) {
  if (source == nullptr) return;
  for (const auto& [name, value] : *source) {
    if (!target.contains(name)) target[name] = value;
  }
}

class LimitRangeStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::value* limits = EnsureObject(object, "spec").if_contains("limits");
    if (limits == nullptr || !limits->is_array()) return;
    for (json::value& item_value : limits->get_array()) {
      if (!item_value.is_object()) continue;
      json::object& item = item_value.get_object();
      if (StringField(item, "type") != "Container") continue;
      // A container limit defaults to max; a request to the default limit, then to min.
      json::object max = ObjectField(item, "max") ? *ObjectField(item, "max") : json::object();
      json::object min = ObjectField(item, "min") ? *ObjectField(item, "min") : json::object();
      json::object& defaults = EnsureObject(item, "default");
      FillMissing(defaults, &max);
      json::object default_copy = defaults;
      json::object& requests = EnsureObject(item, "defaultRequest");
      FillMissing(requests, &default_copy);
      FillMissing(requests, &min);
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* spec = ObjectField(object, "spec");
    const json::array* limits = spec ? ArrayField(*spec, "limits") : nullptr;
    std::set<std::string> types;
    for (size_t i = 0; limits && i < limits->size(); ++i) {
      if (!(*limits)[i].is_object()) continue;
      const json::object& item = (*limits)[i].get_object();
      std::string at = Index("spec.limits", i);
      std::string type = StringField(item, "type");
      std::vector<std::string> problems = mini::api::meta::IsQualifiedName(type);
      if (!problems.empty()) {
        AddInvalid(errors, Child(at, "type"), json::string(type), problems);
      } else if (type.find('/') == std::string::npos && type != "Pod" && type != "Container" &&
                 type != "PersistentVolumeClaim") {
        errors.push_back(Invalid(Child(at, "type"), json::string(type),
                                 "must be a standard limit type or fully qualified"));
      }
      if (!types.insert(type).second) {
        errors.push_back(Duplicate(Child(at, "type"), json::string(type)));
      }
      if (type == "Pod") {
        for (const char* field : {"default", "defaultRequest"}) {
          const json::object* values = ObjectField(item, field);
          if (values && !values->empty()) {
            errors.push_back(
                Forbidden(Child(at, field), "may not be specified when `type` is 'Pod'"));
          }
        }
      }
      for (const char* field :
           {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}) {
        const json::object* values = ObjectField(item, field);
        for (const auto& [name, value] : values ? *values : json::object()) {
          if (!QuantityOf(value)) {
            errors.push_back(Invalid(Key(Child(at, field), name), value, kQuantityRegexError));
          }
        }
      }
      const json::object* min = ObjectField(item, "min");
      const json::object* max = ObjectField(item, "max");
      for (const auto& [name, value] : min ? *min : json::object()) {
        const json::value* upper = max ? max->if_contains(name) : nullptr;
        std::optional<Quantity> low = QuantityOf(value);
        std::optional<Quantity> high = upper ? QuantityOf(*upper) : std::nullopt;
        if (low && high && CompareQuantities(*low, *high) > 0) {
          errors.push_back(Invalid(Key(Child(at, "min"), name), json::string(FormatQuantity(*low)),
                                   "min value " + FormatQuantity(*low) +
                                       " is greater than max value " + FormatQuantity(*high)));
        }
      }
    }
    return errors;
  }
};

}  // namespace

std::unique_ptr<Strategy> NewLimitRangeStrategy(const StrategyContext&) {
  return std::make_unique<LimitRangeStrategy>();
}

}  // namespace mini::cluster::registry::core
