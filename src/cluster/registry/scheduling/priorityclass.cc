#include "cluster/registry/scheduling/priorityclass.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <utility>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::scheduling {
namespace json = boost::json;

namespace {

constexpr int64_t kHighestUserDefinablePriority = 1'000'000'000;
constexpr std::string_view kSystemPrefix = "system-";

struct SystemClass {
  const char* name;
  int64_t value;
};
constexpr SystemClass kSystemClasses[] = {{"system-node-critical", 2'000'001'000},
                                          {"system-cluster-critical", 2'000'000'000}};

// Why a "system-" class is not one of the built-in ones, as upstream words it; empty when it is.
std::string SystemClassProblem(const std::string& name, int64_t value, bool global_default) {
  for (const SystemClass& known : kSystemClasses) {
    if (name != known.name) continue;
    if (value != known.value) {
      return fmt::format("value of {} PriorityClass must be {}", name, known.value);
    }
    if (global_default) return fmt::format("globalDefault of {} PriorityClass must be false", name);
    return "";
  }
  return fmt::format("{} is not a known system priority class", name);
}

class PriorityClassStrategy : public Strategy {
 public:
  explicit PriorityClassStrategy(StrategyContext context) : context_(std::move(context)) {}

  // Pods without a class get the global default, so a second one would make that ambiguous.
  // Upstream's admission refuses it with 403, before anything is stored.
  Status BeforeCreate(json::object& object) const override { return CheckSingleDefault(object); }
  Status BeforeUpdate(json::object& object, const json::object&) const override {
    return CheckSingleDefault(object);
  }

  void Default(json::object& object) const override {
    apps::SetIfAbsent(object, "preemptionPolicy", "PreemptLowerPriority");
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    std::string name = StringAt(object, "metadata.name");
    int64_t value = IntAt(object, "value");
    if (name.substr(0, kSystemPrefix.size()) == kSystemPrefix) {
      std::string problem =
          SystemClassProblem(name, value, core::BoolField(object, "globalDefault"));
      if (!problem.empty()) {
        errors.push_back(Forbidden("metadata.name",
                                   "priority class names with 'system-' prefix are reserved for "
                                   "system use only. error: " +
                                       problem));
      }
    } else if (value > kHighestUserDefinablePriority) {
      errors.push_back(
          Forbidden("value", fmt::format("maximum allowed value of a user defined priority is {}",
                                         kHighestUserDefinablePriority)));
    }
    if (const json::value* policy = object.if_contains("preemptionPolicy");
        policy != nullptr && !policy->is_null()) {
      std::string text = policy->is_string() ? std::string(policy->get_string()) : "";
      if (text.empty()) {
        errors.push_back(Required("preemptionPolicy"));
      } else if (text != "PreemptLowerPriority" && text != "Never") {
        errors.push_back(NotSupported("preemptionPolicy", json::string(text),
                                      {"PreemptLowerPriority", "Never"}));
      }
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    if (IntAt(object, "value") != IntAt(old, "value")) {
      errors.push_back(Forbidden("value", "may not be changed in an update."));
    }
    apps::ValidateImmutable(object.if_contains("preemptionPolicy"),
                            old.if_contains("preemptionPolicy"), "preemptionPolicy", errors);
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Value", "integer", "", "The priority pods of this class get.", 0},
            {"Global-Default", "boolean", "", "Whether pods without a class get this one.", 0},
            apps::AgeColumn(),
            {"PreemptionPolicy", "string", "", "Whether these pods may evict lower ones.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")), IntAt(object, "value"),
            core::BoolField(object, "globalDefault"), json::string(Age(object, now)),
            json::string(core::StringField(object, "preemptionPolicy"))};
  }

 private:
  Status CheckSingleDefault(const json::object& object) const {
    if (!core::BoolField(object, "globalDefault") || !context_.list_all) return Status::Ok();
    auto classes = context_.list_all("scheduling.k8s.io", "priorityclasses");
    if (!classes.ok()) return classes.status();
    std::string name = StringAt(object, "metadata.name");
    for (const json::object& other : *classes) {
      std::string other_name = StringAt(other, "metadata.name");
      if (other_name == name || !core::BoolField(other, "globalDefault")) continue;
      return ForbiddenError({"scheduling.k8s.io", "priorityclasses", "PriorityClass", name},
                            fmt::format("PriorityClass {} is already marked as default. Only one "
                                        "default can exist",
                                        other_name));
    }
    return Status::Ok();
  }

  StrategyContext context_;
};

}  // namespace

std::unique_ptr<Strategy> NewPriorityClassStrategy(const StrategyContext& context) {
  return std::make_unique<PriorityClassStrategy>(context);
}

}  // namespace mini::cluster::registry::scheduling
