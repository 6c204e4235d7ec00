#include "cluster/registry/autoscaling/metrics.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>
#include <vector>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;
namespace meta = mini::api::meta;
using core::Child;
using core::Index;

namespace {

bool Has(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && !value->is_null();
}

const json::object& ObjectOrEmpty(const json::object& parent, std::string_view key) {
  static const json::object kEmpty;
  const json::object* object = core::ObjectField(parent, key);
  return object != nullptr ? *object : kEmpty;
}

void ValidateIdentifier(const json::object& metric, const std::string& path, FieldErrors& errors) {
  std::string name = core::StringField(metric, "name");
  if (name.empty()) {
    errors.push_back(Required(Child(path, "name"), "must specify a metric name"));
  } else {
    core::AddInvalid(errors, Child(path, "name"), json::string(name),
                     meta::IsValidPathSegmentName(name));
  }
}

void ValidateTarget(const json::object& target, const std::string& path, FieldErrors& errors) {
  std::string type = core::StringField(target, "type");
  if (type.empty()) {
    errors.push_back(Required(Child(path, "type"), "must specify a metric target type"));
  }
  if (type != "Utilization" && type != "Value" && type != "AverageValue") {
    errors.push_back(Invalid(Child(path, "type"), json::string(type),
                             "must be either Utilization, Value, or AverageValue"));
  }
  for (const char* key : {"value", "averageValue"}) {
    const json::value* value = target.if_contains(key);
    if (value == nullptr || value->is_null()) continue;
    auto quantity = core::QuantityOf(*value);
    if (quantity && quantity->nanos <= 0) {
      errors.push_back(Invalid(Child(path, key), *value, "must be positive"));
    }
  }
  int64_t utilization = 0;
  if (core::IntField(target, "averageUtilization", utilization) && utilization < 1) {
    errors.push_back(
        Invalid(Child(path, "averageUtilization"), utilization, "must be greater than 0"));
  }
}

// The rules Resource and ContainerResource sources share: a utilization or a raw value.
void ValidateResourceTarget(const json::object& source, const std::string& path,
                            FieldErrors& errors) {
  const json::object& target = ObjectOrEmpty(source, "target");
  ValidateTarget(target, Child(path, "target"), errors);
  bool utilization = Has(target, "averageUtilization");
  bool value = Has(target, "averageValue");
  if (!utilization && !value) {
    errors.push_back(Required(Child(path, "target.averageUtilization"),
                              "must set either a target raw value or a target utilization"));
  }
  if (utilization && value) {
    errors.push_back(Forbidden(Child(path, "target.averageValue"),
                               "may not set both a target raw value and a target utilization"));
  }
}

void ValidateSource(const std::string& kind, const json::object& source, const std::string& path,
                    FieldErrors& errors) {
  const json::object& target = ObjectOrEmpty(source, "target");
  if (kind == "object") {
    ValidateObjectReference(ObjectOrEmpty(source, "describedObject"),
                            Child(path, "describedObject"), errors);
    ValidateIdentifier(ObjectOrEmpty(source, "metric"), Child(path, "metric"), errors);
    ValidateTarget(target, Child(path, "target"), errors);
    if (!Has(target, "value") && !Has(target, "averageValue")) {
      errors.push_back(Required(Child(path, "target.averageValue"),
                                "must set either a target value or averageValue"));
    }
  } else if (kind == "external") {
    ValidateIdentifier(ObjectOrEmpty(source, "metric"), Child(path, "metric"), errors);
    ValidateTarget(target, Child(path, "target"), errors);
    if (!Has(target, "value") && !Has(target, "averageValue")) {
      errors.push_back(Required(Child(path, "target.averageValue"),
                                "must set either a target value for metric or a per-pod target"));
    }
    if (Has(target, "value") && Has(target, "averageValue")) {
      errors.push_back(
          Forbidden(Child(path, "target.value"),
                    "may not set both a target value for metric and a per-pod target"));
    }
  } else if (kind == "pods") {
    ValidateIdentifier(ObjectOrEmpty(source, "metric"), Child(path, "metric"), errors);
    ValidateTarget(target, Child(path, "target"), errors);
    if (!Has(target, "averageValue")) {
      errors.push_back(Required(Child(path, "target.averageValue"),
                                "must specify a positive target averageValue"));
    }
  } else if (kind == "resource") {
    if (core::StringField(source, "name").empty()) {
      errors.push_back(Required(Child(path, "name"), "must specify a resource name"));
    }
    ValidateResourceTarget(source, path, errors);
  } else {  // containerResource
    std::string name = core::StringField(source, "name");
    if (name.empty()) {
      errors.push_back(Required(Child(path, "name"), "must specify a resource name"));
    } else {
      core::ValidateQualifiedName(name, Child(path, "name"), errors);
    }
    std::string container = core::StringField(source, "container");
    if (container.empty()) {
      errors.push_back(Required(Child(path, "container"), "must specify a container"));
    } else {
      core::ValidateDns1123Label(container, Child(path, "container"), errors);
    }
    ValidateResourceTarget(source, path, errors);
  }
}

const std::vector<std::string> kSourceTypes = {"ContainerResource", "External", "Object", "Pods",
                                               "Resource"};

// The member that carries the source of each metric type.
std::string MemberOf(const std::string& type) {
  if (type == "Object") return "object";
  if (type == "Pods") return "pods";
  if (type == "Resource") return "resource";
  if (type == "External") return "external";
  if (type == "ContainerResource") return "containerResource";
  return "";
}

void ValidateMetric(const json::object& metric, const std::string& path, FieldErrors& errors) {
  std::string type = core::StringField(metric, "type");
  if (type.empty()) {
    errors.push_back(Required(Child(path, "type"), "must specify a metric source type"));
  }
  std::string expected = MemberOf(type);
  if (expected.empty()) {
    errors.push_back(NotSupported(Child(path, "type"), json::string(type), kSourceTypes));
  }
  std::set<std::string> present;
  for (const char* member : {"object", "external", "pods", "resource", "containerResource"}) {
    const json::object* source = core::ObjectField(metric, member);
    if (source == nullptr) continue;
    present.insert(member);
    // Only the first source given is checked; the others are refused below.
    if (present.size() == 1) ValidateSource(member, *source, Child(path, member), errors);
  }
  if (expected.empty()) {
    // upstream refuses an unknown type a second time when it looks for its source.
    errors.push_back(NotSupported(Child(path, "type"), json::string(type), kSourceTypes));
  } else if (!present.count(expected)) {
    errors.push_back(
        Required(Child(path, expected), "must populate information for the given metric source"));
  }
  if (present.size() != 1) {
    present.erase(expected);
    for (const std::string& member : present) {
      errors.push_back(
          Forbidden(Child(path, member), "must populate the given metric source only"));
    }
  }
}

std::string QuantityText(const json::value* value) {
  if (value == nullptr || value->is_null()) return "<nil>";
  if (auto quantity = core::QuantityOf(*value)) return core::FormatQuantity(*quantity);
  return value->is_string() ? std::string(value->get_string()) : json::serialize(*value);
}

const json::value* At(const json::value* root, std::string_view path) {
  if (root == nullptr || !root->is_object()) return nullptr;
  return apps::ValueAt(root->get_object(), path);
}

std::string Percent(const json::value* value) {
  return value != nullptr && value->is_int64() ? fmt::format("{}%", value->get_int64()) : "";
}

// One metric's "current/target", current "<unknown>" until the autoscaler measured it.
std::string FormatMetric(const json::object& spec, const json::value* status) {
  std::string type = core::StringField(spec, "type");
  const json::value* source = spec.if_contains(MemberOf(type));
  if (type == "External" || type == "Object") {
    std::string member = MemberOf(type);
    const json::value* average = At(source, "target.averageValue");
    const json::value* current_source = At(status, member);
    if (average != nullptr && !average->is_null()) {
      const json::value* current = At(current_source, "current.averageValue");
      std::string now =
          current != nullptr && !current->is_null() ? QuantityText(current) : "<unknown>";
      return fmt::format("{}/{} (avg)", now, QuantityText(average));
    }
    std::string now = current_source != nullptr && !current_source->is_null()
                          ? QuantityText(At(current_source, "current.value"))
                          : "<unknown>";
    return fmt::format("{}/{}", now, QuantityText(At(source, "target.value")));
  }
  if (type == "Pods") {
    const json::value* current_source = At(status, "pods");
    std::string now = current_source != nullptr && !current_source->is_null()
                          ? QuantityText(At(current_source, "current.averageValue"))
                          : "<unknown>";
    return fmt::format("{}/{}", now, QuantityText(At(source, "target.averageValue")));
  }
  if (type == "Resource" || type == "ContainerResource") {
    std::string member = MemberOf(type);
    std::string name = source != nullptr && source->is_object()
                           ? core::StringField(source->get_object(), "name")
                           : "";
    const json::value* average = At(source, "target.averageValue");
    const json::value* current_source = At(status, member);
    bool measured = current_source != nullptr && !current_source->is_null();
    if (average != nullptr && !average->is_null()) {
      std::string now =
          measured ? QuantityText(At(current_source, "current.averageValue")) : "<unknown>";
      return fmt::format("{}: {}/{}", name, now, QuantityText(average));
    }
    std::string now = Percent(At(current_source, "current.averageUtilization"));
    std::string target = Percent(At(source, "target.averageUtilization"));
    return fmt::format("{}: {}/{}", name, now.empty() ? "<unknown>" : now,
                       target.empty() ? "<auto>" : target);
  }
  return "<unknown type>";
}

}  // namespace

void ValidateObjectReference(const json::object& reference, const std::string& path,
                             FieldErrors& errors) {
  for (const char* key : {"kind", "name"}) {
    std::string value = core::StringField(reference, key);
    if (value.empty()) {
      errors.push_back(Required(Child(path, key)));
    } else {
      core::AddInvalid(errors, Child(path, key), json::string(value),
                       meta::IsValidPathSegmentName(value));
    }
  }
}

void ValidateMetrics(const json::array* metrics, const int64_t* min_replicas, FieldErrors& errors) {
  bool scales_to_zero_capable = false;
  if (metrics != nullptr) {
    for (size_t i = 0; i < metrics->size(); ++i) {
      static const json::object kEmpty;
      const json::object* metric = (*metrics)[i].if_object();
      if (metric == nullptr) metric = &kEmpty;
      ValidateMetric(*metric, Index("spec.metrics", i), errors);
      std::string type = core::StringField(*metric, "type");
      if (type == "Object" || type == "External") scales_to_zero_capable = true;
    }
  }
  if (min_replicas != nullptr && *min_replicas == 0 && !scales_to_zero_capable) {
    errors.push_back(Forbidden("spec.metrics",
                               "must specify at least one Object or External metric to support "
                               "scaling to zero replicas"));
  }
}

std::string FormatTargets(const json::object& autoscaler) {
  const json::value* specs = apps::ValueAt(autoscaler, "spec.metrics");
  if (specs == nullptr || !specs->is_array() || specs->get_array().empty()) return "<none>";
  const json::value* statuses = apps::ValueAt(autoscaler, "status.currentMetrics");
  const json::array* status_list = statuses != nullptr ? statuses->if_array() : nullptr;
  std::vector<std::string> items;
  const json::array& list = specs->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    static const json::object kEmpty;
    const json::value* status =
        status_list != nullptr && i < status_list->size() ? &(*status_list)[i] : nullptr;
    items.push_back(FormatMetric(list[i].is_object() ? list[i].get_object() : kEmpty, status));
  }
  constexpr size_t kMax = 2;
  std::string text;
  for (size_t i = 0; i < items.size() && i < kMax; ++i) text += (i == 0 ? "" : ", ") + items[i];
  if (items.size() > kMax) text += fmt::format(" + {} more...", items.size() - kMax);
  return text;
}

}  // namespace mini::cluster::registry::autoscaling
