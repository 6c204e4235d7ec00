#include "cluster/registry/core/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/names.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
namespace meta = mini::api::meta;

std::string Child(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

std::string Index(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string Key(std::string_view path, std::string_view key) {
  return fmt::format("{}[{}]", path, key);
}

const json::object* ObjectField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value ? value->if_object() : nullptr;
}

const json::array* ArrayField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value ? value->if_array() : nullptr;
}

std::string StringField(const json::object& object, std::string_view key,
                        std::string_view fallback) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::string(fallback);
  return std::string(value->get_string());
}

bool IntField(const json::object& object, std::string_view key, int64_t& out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return false;
  if (value->is_int64()) {
    out = value->get_int64();
    return true;
  }
  if (value->is_uint64()) {
    out = static_cast<int64_t>(value->get_uint64());
    return true;
  }
  // Clients that build JSON from floats (JavaScript) send 80.0 for 80.
  if (value->is_double() &&
      value->get_double() == static_cast<double>(static_cast<int64_t>(value->get_double()))) {
    out = static_cast<int64_t>(value->get_double());
    return true;
  }
  return false;
}

bool BoolField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->get_bool();
}

json::object& EnsureObject(json::object& object, std::string_view key) {
  json::value& value = object[key];
  if (!value.is_object()) value = json::object();
  return value.get_object();
}

void DefaultString(json::object& object, std::string_view key, std::string_view value) {
  const json::value* current = object.if_contains(key);
  if (current == nullptr || current->is_null() ||
      (current->is_string() && current->get_string().empty())) {
    object[key] = value;
  }
}

void DefaultInt(json::object& object, std::string_view key, int64_t value) {
  const json::value* current = object.if_contains(key);
  int64_t number = 0;
  // Go's zero value means "unset" for these plain int32 fields.
  if (current == nullptr || current->is_null() || (IntField(object, key, number) && number == 0)) {
    object[key] = value;
  }
}

FieldError NotFound(std::string path, json::value value) {
  return {FieldError::Type::kNotFound, std::move(path), std::move(value), "", {}};
}

void AddInvalid(FieldErrors& errors, const std::string& path, const json::value& value,
                const std::vector<std::string>& messages) {
  for (const std::string& message : messages) errors.push_back(Invalid(path, value, message));
}

std::string InclusiveRangeError(int64_t lo, int64_t hi) {
  return fmt::format("must be between {} and {}, inclusive", lo, hi);
}

std::vector<std::string> IsValidPortNum(int64_t port) {
  if (port >= 1 && port <= 65535) return {};
  return {InclusiveRangeError(1, 65535)};
}

std::vector<std::string> IsValidPortName(std::string_view name) {
  std::vector<std::string> errors;
  if (name.size() > 15) errors.push_back("must be no more than 15 characters");
  bool charset = !name.empty();
  bool letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') letter = true;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) charset = false;
  }
  if (!charset) {
    errors.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (!letter) errors.push_back("must contain at least one letter (a-z)");
  if (name.find("--") != std::string_view::npos) {
    errors.push_back("must not contain consecutive hyphens");
  }
  if (!name.empty() && (name.front() == '-' || name.back() == '-')) {
    errors.push_back("must not begin or end with a hyphen");
  }
  return errors;
}

namespace {
std::vector<std::string> ChDirPrefix(std::string_view value) {
  if (value == ".") return {"must not be '.'"};
  if (value == "..") return {"must not be '..'"};
  if (value.substr(0, 2) == "..") return {"must not start with '..'"};
  return {};
}
}  // namespace

std::vector<std::string> IsConfigMapKey(std::string_view key) {
  std::vector<std::string> errors;
  if (key.size() > meta::kDns1123SubdomainMaxLength) {
    errors.push_back(
        fmt::format("must be no more than {} characters", meta::kDns1123SubdomainMaxLength));
  }
  bool ok = !key.empty();
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
      ok = false;
    }
  }
  if (!ok) {
    errors.push_back(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
        "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')");
  }
  for (std::string& error : ChDirPrefix(key)) errors.push_back(std::move(error));
  return errors;
}

std::vector<std::string> IsRelaxedEnvVarName(std::string_view name) {
  std::vector<std::string> errors;
  if (name.empty()) errors.push_back("environment variable name must be non-empty");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u > 127 || !std::isprint(u) || c == '=') {
      errors.push_back(
          "a valid environment variable name must consist only of printable ASCII characters "
          "other than '='");
      break;
    }
  }
  return errors;
}

bool IsIPv4(std::string_view text) {
  int parts = 0;
  while (true) {
    size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool IsIP(std::string_view text) {
  if (IsIPv4(text)) return true;
  // IPv6: hex groups and colons, at most one "::"; enough to reject garbage.
  if (text.find(':') == std::string_view::npos || text.size() > 45) return false;
  for (char c : text) {
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
  }
  size_t first = text.find("::");
  return first == std::string_view::npos || text.find("::", first + 1) == std::string_view::npos;
}

void ValidateEnum(const std::string& value, const std::string& path,
                  std::initializer_list<const char*> supported, FieldErrors& errors) {
  if (value.empty()) {
    errors.push_back(Required(path));
    return;
  }
  for (const char* option : supported) {
    if (value == option) return;
  }
  errors.push_back(NotSupported(path, json::string(value),
                                std::vector<std::string>(supported.begin(), supported.end())));
}

void ValidateNonnegative(int64_t value, const std::string& path, FieldErrors& errors) {
  if (value < 0) errors.push_back(Invalid(path, value, "must be greater than or equal to 0"));
}

void ValidateLabels(const json::object* labels, const std::string& path, FieldErrors& errors) {
  if (labels == nullptr) return;
  for (const auto& [key, value] : *labels) {
    AddInvalid(errors, path, json::string(key), meta::IsQualifiedName(key));
    std::string text = value.is_string() ? std::string(value.get_string()) : "";
    AddInvalid(errors, path, json::string(text), meta::IsValidLabelValue(text));
  }
}

void ValidatePortNumOrName(const json::value& port, const std::string& path, FieldErrors& errors) {
  if (port.is_string()) {
    std::string name(port.get_string());
    AddInvalid(errors, path, port, IsValidPortName(name));
    return;
  }
  int64_t number = 0;
  if (port.is_int64()) number = port.get_int64();
  if (port.is_uint64()) number = static_cast<int64_t>(port.get_uint64());
  AddInvalid(errors, path, number, IsValidPortNum(number));
}

void ValidateDns1123Label(std::string_view value, const std::string& path, FieldErrors& errors) {
  AddInvalid(errors, path, json::string(value), meta::IsDns1123Label(value));
}

void ValidateDns1123Subdomain(std::string_view value, const std::string& path,
                              FieldErrors& errors) {
  AddInvalid(errors, path, json::string(value), meta::IsDns1123Subdomain(value));
}

void ValidateQualifiedName(std::string_view value, const std::string& path, FieldErrors& errors) {
  AddInvalid(errors, path, json::string(value), meta::IsQualifiedName(value));
}

std::string GoStringMap(const json::object* map) {
  if (map == nullptr) return "map[string]string(nil)";
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [key, value] : *map) {
    entries.emplace_back(std::string(key),
                         value.is_string() ? std::string(value.get_string()) : std::string());
  }
  std::sort(entries.begin(), entries.end());
  std::string out = "map[string]string{";
  for (size_t i = 0; i < entries.size(); ++i) {
    out +=
        fmt::format("{}{}:{}", i == 0 ? "" : ", ", json::serialize(json::string(entries[i].first)),
                    json::serialize(json::string(entries[i].second)));
  }
  return out + "}";
}

std::string Since(std::string_view timestamp, std::chrono::system_clock::time_point now) {
  if (timestamp.empty()) return "<unknown>";
  auto time = meta::ParseRfc3339(timestamp);
  if (!time.ok()) return "<unknown>";
  return HumanDuration(now - *time);
}

}  // namespace mini::cluster::registry::core
