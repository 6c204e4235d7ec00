#include "cluster/registry/apps/workload.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <utility>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace meta = mini::api::meta;
using core::Child;
using core::Index;

namespace {

constexpr const char* kPercentMessage =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
    "'93%', regex used for validation is '[0-9]+%')";

bool IsPercent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%') return false;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Drops what Go would see as nil or empty, so JSON that only differs in those compares equal.
json::value Normalized(const json::value& value) {
  if (const json::object* object = value.if_object()) {
    json::object out;
    for (const auto& [key, member] : *object) {
      json::value normalized = Normalized(member);
      bool empty = normalized.is_null() ||
                   (normalized.is_object() && normalized.get_object().empty()) ||
                   (normalized.is_array() && normalized.get_array().empty());
      if (!empty) out[key] = std::move(normalized);
    }
    return out;
  }
  if (const json::array* array = value.if_array()) {
    json::array out;
    for (const json::value& item : *array) out.push_back(Normalized(item));
    return out;
  }
  return value;
}

const json::value& ValueOrNull(const json::value* value) {
  static const json::value kNull;
  return value == nullptr ? kNull : *value;
}

}  // namespace

void ValidateLabelSelector(const json::value* selector, const std::string& path,
                           FieldErrors& errors) {
  if (selector == nullptr || !selector->is_object()) return;
  const json::object& object = selector->get_object();
  core::ValidateLabels(core::ObjectField(object, "matchLabels"), Child(path, "matchLabels"),
                       errors);
  const json::array* expressions = core::ArrayField(object, "matchExpressions");
  if (expressions == nullptr) return;
  for (size_t i = 0; i < expressions->size(); ++i) {
    std::string at = Index(Child(path, "matchExpressions"), i);
    const json::object* requirement = (*expressions)[i].if_object();
    if (requirement == nullptr) continue;
    std::string op = core::StringField(*requirement, "operator");
    const json::array* values = core::ArrayField(*requirement, "values");
    bool has_values = values != nullptr && !values->empty();
    if (op == "In" || op == "NotIn") {
      if (!has_values) {
        errors.push_back(
            Required(Child(at, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (has_values) {
        errors.push_back(Forbidden(Child(at, "values"),
                                   "may not be specified when `operator` is 'Exists' or "
                                   "'DoesNotExist'"));
      }
    } else {
      errors.push_back(
          Invalid(Child(at, "operator"), json::string(op), "not a valid selector operator"));
    }
    std::string key = core::StringField(*requirement, "key");
    core::AddInvalid(errors, Child(at, "key"), json::string(key), meta::IsQualifiedName(key));
    if (values == nullptr) continue;
    for (size_t j = 0; j < values->size(); ++j) {
      std::string value = (*values)[j].is_string() ? std::string((*values)[j].get_string()) : "";
      core::AddInvalid(errors, Index(Child(at, "values"), j), json::string(value),
                       meta::IsValidLabelValue(value));
    }
  }
}

bool ParsedSelector::Matches(const json::value* labels) const {
  if (!valid || nothing) return false;
  static const json::object kNoLabels;
  const json::object* object = labels != nullptr ? labels->if_object() : nullptr;
  return selector.Matches(object != nullptr ? *object : kNoLabels);
}

std::string ParsedSelector::String() const { return valid && !nothing ? selector.String() : ""; }

ParsedSelector ParseSelector(const json::value* selector) {
  ParsedSelector parsed;
  if (selector == nullptr || selector->is_null()) {
    parsed.nothing = true;
    return parsed;
  }
  if (!selector->is_object()) {
    parsed.valid = false;
    return parsed;
  }
  auto result = meta::LabelSelector::FromJson(selector->get_object(), "selector");
  if (!result.ok()) {
    parsed.valid = false;
    return parsed;
  }
  parsed.selector = std::move(*result);
  return parsed;
}

bool SelectorHasTerms(const json::value& selector) {
  const json::object* object = selector.if_object();
  if (object == nullptr) return false;
  const json::object* labels = core::ObjectField(*object, "matchLabels");
  const json::array* expressions = core::ArrayField(*object, "matchExpressions");
  return (labels != nullptr && !labels->empty()) ||
         (expressions != nullptr && !expressions->empty());
}

std::string FormatSelector(const json::value* selector) {
  ParsedSelector parsed = ParseSelector(selector);
  if (!parsed.valid) return "<error>";
  std::string text = parsed.String();
  return text.empty() ? "<none>" : text;
}

ParsedSelector ValidateRequiredSelector(const json::object& spec, std::string_view noun,
                                        FieldErrors& errors) {
  const json::value* selector = spec.if_contains("selector");
  if (selector == nullptr || selector->is_null()) {
    errors.push_back(Required("spec.selector"));
  } else {
    ValidateLabelSelector(selector, "spec.selector", errors);
    if (!SelectorHasTerms(*selector)) {
      errors.push_back(InvalidGo("spec.selector", GoLabelSelector(selector),
                                 fmt::format("empty selector is invalid for {}", noun)));
    }
  }
  return ParseSelector(selector);
}

void ValidateSelectorMatchesTemplate(const ParsedSelector& selector, const json::object& spec,
                                     const std::string& path, FieldErrors& errors) {
  if (!selector.valid || selector.Empty()) return;
  const json::object* tmpl = core::ObjectField(spec, "template");
  const json::object* metadata = tmpl != nullptr ? core::ObjectField(*tmpl, "metadata") : nullptr;
  const json::value* labels = metadata != nullptr ? metadata->if_contains("labels") : nullptr;
  if (!selector.Matches(labels)) {
    errors.push_back(
        InvalidGo(path, GoStringMap(labels), "`selector` does not match template `labels`"));
  }
}

void ValidateServingTemplate(const json::object& spec, const std::string& path,
                             std::string_view kind, bool validate_pod_spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::object* tmpl = core::ObjectField(spec, "template");
  if (tmpl == nullptr) tmpl = &kEmpty;
  if (validate_pod_spec) {
    core::ValidatePodTemplate(*tmpl, path, errors);
  } else {
    // upstream checks only a StatefulSet template's labels: its volumes may name claim templates.
    const json::object* metadata = core::ObjectField(*tmpl, "metadata");
    core::ValidateLabels(metadata ? core::ObjectField(*metadata, "labels") : nullptr,
                         Child(path, "labels"), errors);
  }
  const json::object* pod = core::ObjectField(*tmpl, "spec");
  std::string restart = pod != nullptr ? core::StringField(*pod, "restartPolicy") : "";
  if (restart != "Always") {
    errors.push_back(
        NotSupported(Child(path, "spec.restartPolicy"), json::string(restart), {"Always"}));
  }
  if (pod != nullptr && pod->contains("activeDeadlineSeconds") &&
      !pod->at("activeDeadlineSeconds").is_null()) {
    errors.push_back(Forbidden(Child(path, "spec.activeDeadlineSeconds"),
                               fmt::format("activeDeadlineSeconds in {} is not Supported", kind)));
  }
}

void DefaultTemplate(json::object& spec) {
  json::object& tmpl = core::EnsureObject(spec, "template");
  core::DefaultPodSpec(core::EnsureObject(tmpl, "spec"));
}

void ValidatePositiveIntOrPercent(const json::value& value, const std::string& path,
                                  FieldErrors& errors) {
  if (value.is_string()) {
    if (!IsPercent(value.get_string())) {
      errors.push_back(InvalidGo(path, GoIntOrString(value), kPercentMessage));
    }
    return;
  }
  int64_t number = 0;
  if (value.is_int64()) number = value.get_int64();
  if (value.is_uint64()) number = static_cast<int64_t>(value.get_uint64());
  core::ValidateNonnegative(number, path, errors);
}

void ValidateNotMoreThan100Percent(const json::value& value, const std::string& path,
                                   FieldErrors& errors) {
  if (value.is_string() && IsPercent(value.get_string()) && IntOrPercentValue(value) > 100) {
    errors.push_back(InvalidGo(path, GoIntOrString(value), "must not be greater than 100%"));
  }
}

int64_t IntOrPercentValue(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) return static_cast<int64_t>(value.get_uint64());
  if (!value.is_string()) return 0;
  std::string_view text = value.get_string();
  if (IsPercent(text)) text.remove_suffix(1);
  int64_t number = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || number > 1'000'000'000) return 0;
    number = number * 10 + (c - '0');
  }
  return number;
}

std::string IntOrStringText(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  return std::to_string(IntOrPercentValue(value));
}

bool SemanticEqual(const json::value* a, const json::value* b) {
  auto normalized = [](const json::value* value) {
    json::value out = Normalized(ValueOrNull(value));
    bool empty = (out.is_object() && out.get_object().empty()) ||
                 (out.is_array() && out.get_array().empty());
    return empty ? json::value() : out;
  };
  return normalized(a) == normalized(b);
}

void ValidateImmutable(const json::value* now, const json::value* before, const std::string& path,
                       FieldErrors& errors, const std::string& go_value) {
  if (SemanticEqual(now, before)) return;
  if (!go_value.empty()) {
    errors.push_back(InvalidGo(path, go_value, core::kFieldImmutable));
  } else {
    errors.push_back(Invalid(path, ValueOrNull(now), core::kFieldImmutable));
  }
}

const json::value* ValueAt(const json::object& object, std::string_view path) {
  const json::object* current = &object;
  while (true) {
    size_t dot = path.find('.');
    const json::value* next = current->if_contains(path.substr(0, dot));
    if (next == nullptr || dot == std::string_view::npos) return next;
    current = next->if_object();
    if (current == nullptr) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

json::value* ValueAt(json::object& object, std::string_view path) {
  return const_cast<json::value*>(ValueAt(std::as_const(object), path));
}

void SetIfAbsent(json::object& object, std::string_view key, json::value value) {
  const json::value* current = object.if_contains(key);
  if (current == nullptr || current->is_null()) object[key] = std::move(value);
}

void ValidateNonnegativeAt(const json::object& object, std::string_view key,
                           const std::string& path, FieldErrors& errors) {
  int64_t value = 0;
  if (core::IntField(object, key, value)) core::ValidateNonnegative(value, path, errors);
}

std::pair<std::string, std::string> ContainerCells(const json::object* pod_spec) {
  std::string names;
  std::string images;
  const json::array* containers =
      pod_spec != nullptr ? core::ArrayField(*pod_spec, "containers") : nullptr;
  if (containers == nullptr) return {names, images};
  for (size_t i = 0; i < containers->size(); ++i) {
    const json::object* container = (*containers)[i].if_object();
    if (i > 0) {
      names += ',';
      images += ',';
    }
    if (container == nullptr) continue;
    names += core::StringField(*container, "name");
    images += core::StringField(*container, "image");
  }
  return {names, images};
}

void ValidateReplicatedSpec(const json::object& spec, FieldErrors& errors) {
  ValidateNonnegativeAt(spec, "replicas", "spec.replicas", errors);
  ParsedSelector selector = ValidateRequiredSelector(spec, "deployment", errors);
  if (!selector.valid) {
    errors.push_back(InvalidGo("spec.selector", GoLabelSelector(spec.if_contains("selector")),
                               "invalid label selector"));
    return;
  }
  ValidateSelectorMatchesTemplate(selector, spec, "spec.template.metadata.labels", errors);
  ValidateServingTemplate(spec, "spec.template", "ReplicaSet", true, errors);
}

}  // namespace mini::cluster::registry::apps
