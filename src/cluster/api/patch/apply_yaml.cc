// ParseApplyPatch: apply bodies are YAML by content type, though kubectl sends JSON.
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/server_side_apply.h"
#include "common/json.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

bool OneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* option : options) {
    if (s == option) return true;
  }
  return false;
}

// Integers as YAML 1.2's core schema writes them: decimal, 0o octal, 0x hex.
bool ParseInteger(const std::string& s, json::value& out) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return false;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  if (!negative) {
    out = magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
              ? json::value(static_cast<int64_t>(magnitude))
              : json::value(magnitude);
    return true;
  }
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
  out = magnitude == 0 ? json::value(int64_t{0})
                       : json::value(-static_cast<int64_t>(magnitude - 1) - 1);
  return true;
}

bool ParseFloat(const std::string& s, json::value& out) {
  if (OneOf(s, {".inf", ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN"})) {
    return false;  // JSON has no representation; keep the text
  }
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
      return false;
    }
  }
  if (!digit) return false;
  // JSON spells what YAML allows loosely: no '+', no bare leading or trailing '.'.
  std::string_view rest = s;
  std::string text;
  if (rest.front() == '+' || rest.front() == '-') {
    if (rest.front() == '-') text = "-";
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest.front() == '.') text += '0';
  text += rest;
  if (text.back() == '.') text += '0';
  auto parsed = ParseJson(text, "number");
  if (!parsed.ok() || !parsed->is_number()) return false;
  out = std::move(*parsed);
  return true;
}

// A plain (unquoted, untagged) scalar resolves by YAML 1.2's core schema.
json::value PlainScalar(const std::string& s) {
  if (OneOf(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(s, {"true", "True", "TRUE"})) return true;
  if (OneOf(s, {"false", "False", "FALSE"})) return false;
  json::value number;
  if (ParseInteger(s, number) || ParseFloat(s, number)) return number;
  return json::string(s);
}

Result<json::value> Convert(const YAML::Node& node, int depth) {
  if (depth > 100) return MalformedPatch("apply patch: YAML nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json::value(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "?") return PlainScalar(node.Scalar());
      if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
          tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
        return PlainScalar(node.Scalar());
      }
      return json::value(json::string(node.Scalar()));  // quoted, or tagged !!str
    }
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const YAML::Node& item : node) {
        MINI_ASSIGN_OR_RETURN(json::value v, Convert(item, depth + 1));
        out.push_back(std::move(v));
      }
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& member : node) {
        if (!member.first.IsScalar()) {
          return MalformedPatch("apply patch: YAML mapping keys must be strings");
        }
        MINI_ASSIGN_OR_RETURN(json::value v, Convert(member.second, depth + 1));
        out[member.first.Scalar()] = std::move(v);
      }
      return json::value(std::move(out));
    }
  }
  return json::value(nullptr);
}

}  // namespace

Result<json::value> ParseApplyPatch(std::string_view body) {
  auto as_json = ParseJson(body, "apply patch");
  if (as_json.ok()) return std::move(*as_json);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(body));
  } catch (const YAML::Exception& e) {
    return MalformedPatch("apply patch is neither JSON nor YAML: {}", e.what());
  }
  if (documents.size() != 1) {
    return MalformedPatch("apply patch must hold exactly one YAML document, not {}",
                          documents.size());
  }
  try {
    return Convert(documents.front(), 0);
  } catch (const YAML::Exception& e) {
    return MalformedPatch("apply patch: {}", e.what());
  }
}

}  // namespace mini::cluster::api::patch
