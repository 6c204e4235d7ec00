// LabelSelector objects (matchLabels + matchExpressions) as they appear in workload specs.
// Checks follow upstream's ValidateLabelSelector, so each error names the field it is about.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cluster/api/meta/labels.h"
#include "cluster/api/meta/labels_internal.h"
#include "cluster/api/meta/names.h"

namespace mini::api::meta {
namespace {

namespace json = boost::json;
using labels_internal::Invalid;
using labels_internal::Quote;

using Errors = std::vector<std::string>;

std::string WrongType(std::string_view path, const json::value& value, std::string_view type) {
  return Invalid(path, json::serialize(value), fmt::format("must be of type {}", type));
}

// A missing or null field reads as Go's zero value, "", so that it gets the same message as
// an explicit empty string (e.g. "name part must be non-empty" for a missing key).
std::string StringField(const json::object& o, std::string_view name, std::string_view path,
                        Errors& errors) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return "";
  if (const json::string* s = v->if_string()) return std::string(*s);
  errors.push_back(WrongType(fmt::format("{}.{}", path, name), *v, "string"));
  return "";
}

std::vector<std::string> StringList(const json::object& o, std::string_view path, Errors& errors) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains("values");
  if (v == nullptr || v->is_null()) return out;
  std::string field = fmt::format("{}.values", path);
  if (!v->is_array()) {
    errors.push_back(WrongType(field, *v, "array"));
    return out;
  }
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    const json::value& item = v->as_array()[i];
    if (const json::string* s = item.if_string()) {
      out.emplace_back(*s);
    } else {
      errors.push_back(WrongType(fmt::format("{}[{}]", field, i), item, "string"));
    }
  }
  return out;
}

void CheckKey(std::string_view key, std::string_view path, Errors& errors) {
  for (const std::string& problem : IsQualifiedName(key)) {
    errors.push_back(Invalid(path, Quote(key), problem));
  }
}

void CheckValue(std::string_view value, std::string_view path, Errors& errors) {
  for (const std::string& problem : IsValidLabelValue(value)) {
    errors.push_back(Invalid(path, Quote(value), problem));
  }
}

void AddMatchLabels(const json::object& selector, std::string_view path,
                    std::vector<LabelRequirement>& out, Errors& errors) {
  const json::value* v = selector.if_contains("matchLabels");
  if (v == nullptr || v->is_null()) return;
  std::string field = fmt::format("{}.matchLabels", path);
  if (!v->is_object()) {
    errors.push_back(WrongType(field, *v, "object"));
    return;
  }
  for (const auto& [key, value] : v->as_object()) {
    const json::string* s = value.if_string();
    if (s == nullptr) {
      errors.push_back(
          WrongType(fmt::format("{}.{}", field, std::string_view(key)), value, "string"));
      continue;
    }
    // Upstream names the map, not the entry, in these messages.
    CheckKey(key, field, errors);
    CheckValue(*s, field, errors);
    out.push_back({std::string(key), LabelOperator::kEquals, {std::string(*s)}});
  }
}

std::optional<LabelOperator> OperatorNamed(std::string_view name) {
  if (name == "In") return LabelOperator::kIn;
  if (name == "NotIn") return LabelOperator::kNotIn;
  if (name == "Exists") return LabelOperator::kExists;
  if (name == "DoesNotExist") return LabelOperator::kDoesNotExist;
  return std::nullopt;
}

void AddExpression(const json::value& item, const std::string& path,
                   std::vector<LabelRequirement>& out, Errors& errors) {
  if (!item.is_object()) {
    errors.push_back(WrongType(path, item, "object"));
    return;
  }
  size_t errors_before = errors.size();
  const json::object& expr = item.as_object();
  std::string key = StringField(expr, "key", path, errors);
  std::string op_name = StringField(expr, "operator", path, errors);
  std::vector<std::string> values = StringList(expr, path, errors);
  std::optional<LabelOperator> op = OperatorNamed(op_name);
  std::string values_path = path + ".values";
  if (!op) {
    errors.push_back(fmt::format(
        "{}.operator: Unsupported value: {}: supported values: \"DoesNotExist\", \"Exists\", "
        "\"In\", \"NotIn\"",
        path, Quote(op_name)));
  } else if ((*op == LabelOperator::kIn || *op == LabelOperator::kNotIn) && values.empty()) {
    errors.push_back(values_path +
                     ": Required value: must be specified when `operator` is 'In' or 'NotIn'");
  } else if (!(*op == LabelOperator::kIn || *op == LabelOperator::kNotIn) && !values.empty()) {
    errors.push_back(values_path +
                     ": Forbidden: may not be specified when `operator` is "
                     "'Exists' or 'DoesNotExist'");
  }
  CheckKey(key, path + ".key", errors);
  for (size_t i = 0; i < values.size(); ++i) {
    CheckValue(values[i], fmt::format("{}[{}]", values_path, i), errors);
  }
  if (errors.size() != errors_before) return;
  labels_internal::SortUnique(values);
  out.push_back({std::move(key), *op, std::move(values)});
}

void AddMatchExpressions(const json::object& selector, std::string_view path,
                         std::vector<LabelRequirement>& out, Errors& errors) {
  const json::value* v = selector.if_contains("matchExpressions");
  if (v == nullptr || v->is_null()) return;
  std::string field = fmt::format("{}.matchExpressions", path);
  if (!v->is_array()) {
    errors.push_back(WrongType(field, *v, "array"));
    return;
  }
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    AddExpression(v->as_array()[i], fmt::format("{}[{}]", field, i), out, errors);
  }
}

}  // namespace

Result<LabelSelector> LabelSelector::FromJson(const boost::json::object& selector,
                                              std::string_view path) {
  std::vector<LabelRequirement> requirements;
  Errors errors;
  AddMatchLabels(selector, path, requirements, errors);
  AddMatchExpressions(selector, path, requirements, errors);
  if (!errors.empty()) return labels_internal::Aggregate(errors);
  return LabelSelector(std::move(requirements));
}

}  // namespace mini::api::meta
