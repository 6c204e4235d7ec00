#include "cluster/registry/apps/go_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <utility>
#include <vector>

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

bool Absent(const json::value* value) { return value == nullptr || value->is_null(); }

std::string StringOf(const json::value* value) {
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::string GoStringSlice(const json::value* list) {
  if (Absent(list) || !list->is_array()) return "[]string(nil)";
  std::string out = "[]string{";
  bool first = true;
  for (const json::value& item : list->get_array()) {
    out += (first ? "" : ", ") + GoQuote(StringOf(&item));
    first = false;
  }
  return out + "}";
}

std::string GoRequirements(const json::value* list) {
  if (Absent(list) || !list->is_array()) return "[]v1.LabelSelectorRequirement(nil)";
  std::string out = "[]v1.LabelSelectorRequirement{";
  bool first = true;
  for (const json::value& item : list->get_array()) {
    const json::object* requirement = item.if_object();
    json::object empty;
    if (requirement == nullptr) requirement = &empty;
    out += fmt::format("{}v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                       first ? "" : ", ", GoQuote(StringOf(requirement->if_contains("key"))),
                       GoQuote(StringOf(requirement->if_contains("operator"))),
                       GoStringSlice(requirement->if_contains("values")));
    first = false;
  }
  return out + "}";
}

}  // namespace

std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string GoStringMap(const json::value* map) {
  if (Absent(map) || !map->is_object()) return "map[string]string(nil)";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [key, value] : map->get_object()) {
    entries.emplace_back(std::string(key), StringOf(&value));
  }
  // fmt prints maps sorted by key.
  std::sort(entries.begin(), entries.end());
  std::string out = "map[string]string{";
  for (size_t i = 0; i < entries.size(); ++i) {
    out += (i == 0 ? "" : ", ") + GoQuote(entries[i].first) + ":" + GoQuote(entries[i].second);
  }
  return out + "}";
}

std::string GoLabelSelector(const json::value* selector) {
  if (Absent(selector) || !selector->is_object()) return "null";
  const json::object& object = selector->get_object();
  return fmt::format("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
                     GoStringMap(object.if_contains("matchLabels")),
                     GoRequirements(object.if_contains("matchExpressions")));
}

std::string GoIntOrString(const json::value& value) {
  if (value.is_string()) {
    return fmt::format("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                       GoQuote(value.get_string()));
  }
  int64_t number = 0;
  if (value.is_int64()) number = value.get_int64();
  if (value.is_uint64()) number = static_cast<int64_t>(value.get_uint64());
  if (value.is_double()) number = static_cast<int64_t>(value.get_double());
  return fmt::format("intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}", number);
}

FieldError InvalidGo(std::string field, std::string go_value, std::string detail) {
  FieldError error = Invalid(std::move(field), nullptr, std::move(detail));
  error.value_text = std::move(go_value);
  return error;
}

FieldError InvalidOmitValue(std::string field, std::string detail) {
  // The detail takes the value's place, so the message reads "Invalid value: <detail>".
  return InvalidGo(std::move(field), std::move(detail), "");
}

std::string GoInt32Slice(const json::value* list) {
  if (Absent(list) || !list->is_array()) return "[]int32(nil)";
  std::string out = "[]int32{";
  bool first = true;
  for (const json::value& item : list->get_array()) {
    out += first ? "" : ", ";
    out += item.is_number() ? json::serialize(item) : "0";
    first = false;
  }
  return out + "}";
}

}  // namespace mini::cluster::registry::apps
