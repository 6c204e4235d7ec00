#include "cluster/apiserver/rest/codec.h"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <cmath>
#include <regex>

#include "cluster/api/protobuf/protobuf.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace schema = api::schema;

namespace {

constexpr int kMaxDepth = 100;

Status BadRequest(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message)).WithReason("BadRequest");
}

json::value Scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return json::string(text);  // quoted: always a string
  static const std::regex kInt(R"([-+]?(0|[1-9][0-9]*))");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  for (const char* yes :
       {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}) {
    if (text == yes) return true;
  }
  for (const char* no :
       {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}) {
    if (text == no) return false;
  }
  if (std::regex_match(text, kInt)) {
    try {
      return static_cast<int64_t>(std::stoll(text));
    } catch (const std::exception&) {
      return json::string(text);
    }
  }
  if (std::regex_match(text, kFloat)) {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      return json::string(text);
    }
  }
  return json::string(text);
}

Result<json::value> Convert(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) return BadRequest("YAML nests too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json::value(nullptr);
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      json::array array;
      for (const YAML::Node& item : node) {
        MINI_ASSIGN_OR_RETURN(json::value value, Convert(item, depth + 1));
        array.push_back(std::move(value));
      }
      return json::value(std::move(array));
    }
    case YAML::NodeType::Map: {
      json::object object;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) return BadRequest("YAML map keys must be strings");
        MINI_ASSIGN_OR_RETURN(json::value value, Convert(entry.second, depth + 1));
        object[entry.first.Scalar()] = std::move(value);
      }
      return json::value(std::move(object));
    }
  }
  return json::value(nullptr);
}

std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

void Prune(json::object& object, const schema::Type& type, const std::string& path,
           std::vector<std::string>& unknown, int depth);

void PruneValue(json::value& value, const schema::Field& field, const std::string& path,
                std::vector<std::string>& unknown, int depth) {
  if (field.scalar != schema::Scalar::kObject || depth > kMaxDepth) return;
  switch (field.container) {
    case schema::Container::kNone:
      if (value.is_object()) Prune(value.as_object(), *field.object, path, unknown, depth + 1);
      break;
    case schema::Container::kList:
      if (value.is_array()) {
        size_t i = 0;
        for (json::value& item : value.as_array()) {
          if (item.is_object()) {
            Prune(item.as_object(), *field.object, path + "[" + std::to_string(i) + "]", unknown,
                  depth + 1);
          }
          ++i;
        }
      }
      break;
    case schema::Container::kMap:
      if (value.is_object()) {
        for (auto& [key, item] : value.as_object()) {
          if (item.is_object()) {
            Prune(item.as_object(), *field.object, path + "." + std::string(key), unknown,
                  depth + 1);
          }
        }
      }
      break;
  }
}

void Prune(json::object& object, const schema::Type& type, const std::string& path,
           std::vector<std::string>& unknown, int depth) {
  for (auto it = object.begin(); it != object.end();) {
    std::string key(it->key());
    std::string child = path + "." + key;
    if (depth == 0 && (key == "apiVersion" || key == "kind")) {
      ++it;
      continue;
    }
    const schema::Field* field = type.FindField(key);
    if (field == nullptr) {
      unknown.push_back(child);
      it = object.erase(it);
      continue;
    }
    PruneValue(it->value(), *field, child, unknown, depth);
    ++it;
  }
}

}  // namespace

namespace {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (length == 0 || c > 0xF4 || static_cast<size_t>(end - p) < length) return false;
    for (size_t i = 1; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    // The second byte's range rules out overlong 3- and 4-byte forms, surrogates and > U+10FFFF.
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) ||
        (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) {
      return false;
    }
    p += length;
  }
  return true;
}

// Stored objects are JSON text, which must be UTF-8: a body that smuggles other bytes in
// through protobuf or YAML strings would be stored but could never be read back.
Status CheckUtf8(const json::value& value) {
  if (value.is_string()) {
    return IsUtf8(value.get_string()) ? Status::Ok()
                                      : BadRequest("the request body holds a string that is not "
                                                   "valid UTF-8");
  }
  if (value.is_array()) {
    for (const json::value& item : value.get_array()) MINI_RETURN_IF_ERROR(CheckUtf8(item));
  }
  if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      if (!IsUtf8(member.key())) {
        return BadRequest("the request body holds a key that is not valid UTF-8");
      }
      MINI_RETURN_IF_ERROR(CheckUtf8(member.value()));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<json::value> YamlToJson(std::string_view text) {
  if (!IsUtf8(text)) {
    return BadRequest("error converting YAML to JSON: yaml: invalid leading UTF-8 octet");
  }
  try {
    return Convert(YAML::Load(std::string(text)), 0);
  } catch (const YAML::Exception& e) {
    return BadRequest(std::string("error converting YAML to JSON: ") + e.what());
  }
}

Result<json::object> DecodeBody(std::string_view content_type, std::string_view body,
                                const schema::Schema& schema) {
  std::string type = MediaType(content_type);
  json::value value;
  if (type == "application/vnd.kubernetes.protobuf") {
    auto decoded = api::protobuf::DecodeKubernetesProtobuf(body, schema);
    if (!decoded.ok()) return BadRequest(decoded.status().message());
    MINI_RETURN_IF_ERROR(CheckUtf8(*decoded));
    return std::move(*decoded);
  }
  if (type == "application/json" || type.empty() || type == "application/merge-patch+json" ||
      type == "application/strategic-merge-patch+json") {
    boost::system::error_code error;
    value = json::parse(body, error);
    if (error) {
      return BadRequest(
          "the body of the request was in an unknown format - accepted media "
          "types include: application/json, application/yaml, "
          "application/vnd.kubernetes.protobuf");
    }
  } else if (type == "application/yaml" || type == "application/apply-patch+yaml") {
    MINI_ASSIGN_OR_RETURN(value, YamlToJson(body));
  } else {
    return Status(Code::kInvalidArgument,
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json, application/yaml, "
                  "application/vnd.kubernetes.protobuf")
        .WithReason("UnsupportedMediaType");
  }
  if (!value.is_object()) return BadRequest("the request body must be a JSON or YAML object");
  return std::move(value.as_object());
}

std::vector<std::string> PruneUnknownFields(json::object& object, const schema::Type& type) {
  std::vector<std::string> unknown;
  Prune(object, type, "", unknown, 0);
  return unknown;
}

}  // namespace mini::cluster::apiserver::rest
