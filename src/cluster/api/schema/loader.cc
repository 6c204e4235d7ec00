// Turns the YAML documents of data/ into linked Types and Resources. Two passes: every type is
// declared first so that fields can point at types of any document, in any order.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::schema {
namespace {

const std::vector<std::string> kDefaultVerbs = {"create", "delete", "deletecollection", "get",
                                                "list",   "patch",  "update",           "watch"};

const std::map<std::string_view, Scalar>& Scalars() {
  static const std::map<std::string_view, Scalar> scalars = {
      {"string", Scalar::kString},     {"boolean", Scalar::kBoolean},
      {"int32", Scalar::kInt32},       {"int64", Scalar::kInt64},
      {"double", Scalar::kDouble},     {"bytes", Scalar::kBytes},
      {"Quantity", Scalar::kQuantity}, {"IntOrString", Scalar::kIntOrString},
      {"Time", Scalar::kTime},         {"MicroTime", Scalar::kMicroTime},
      {"Duration", Scalar::kDuration}, {"RawExtension", Scalar::kRawExtension},
      {"FieldsV1", Scalar::kFieldsV1}, {"StringList", Scalar::kStringList},
  };
  return scalars;
}

// "rbac.authorization.k8s.io" -> "rbac", "" -> "core": the first label names the package, as
// in Kubernetes' protobuf package names.
std::string PackageOf(const std::string& group, const std::string& version) {
  if (group.empty()) return "core/" + version;
  return group.substr(0, group.find('.')) + "/" + version;
}

std::vector<std::string> Strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  }
  return out;
}

}  // namespace

class SchemaLoader {
 public:
  explicit SchemaLoader(Schema* schema) : schema_(schema) {}

  Status Declare(const std::string& file, const YAML::Node& doc) {
    std::string group = doc["group"] ? doc["group"].as<std::string>() : "";
    if (!doc["version"]) return Error(file, "has no version");
    std::string version = doc["version"].as<std::string>();
    std::string package = PackageOf(group, version);
    std::string expected = package;
    std::replace(expected.begin(), expected.end(), '/', '_');
    if (file != expected + ".yaml") {
      return Error(file,
                   fmt::format("declares package {}: name the file {}.yaml", package, expected));
    }
    schema_->groups_[package] = group;
    for (const auto& entry : doc["types"]) {
      auto type = std::make_unique<Type>();
      type->package = package;
      type->name = entry.first.as<std::string>();
      std::string key = package + "." + type->name;
      if (schema_->types_.count(key)) return Error(file, "declares " + type->name + " twice");
      schema_->types_[key] = std::move(type);
    }
    return Status::Ok();
  }

  Status Define(const std::string& file, const YAML::Node& doc) {
    std::string package = PackageOf(doc["group"] ? doc["group"].as<std::string>() : "",
                                    doc["version"].as<std::string>());
    for (const auto& entry : doc["types"]) {
      Type& type = *schema_->types_.find(package + "." + entry.first.as<std::string>())->second;
      const YAML::Node& body = entry.second;
      if (body["description"]) type.description = body["description"].as<std::string>();
      type.atomic = body["structType"] && body["structType"].as<std::string>() == "atomic";
      for (const auto& field_entry : body["fields"]) {
        Field field;
        field.name = field_entry.first.as<std::string>();
        MINI_RETURN_IF_ERROR(ParseField(package, field_entry.second, &field)
                                 .WithContext("schema {}: {}.{}", file, type.name, field.name));
        type.fields.push_back(std::move(field));
      }
    }
    return DefineResources(file, package, doc);
  }

 private:
  static Status Error(const std::string& file, const std::string& what) {
    return Status(Code::kInvalidArgument, fmt::format("schema {}: {}", file, what));
  }

  const Type* Resolve(const std::string& package, std::string_view name) const {
    std::string key(name);
    if (key.find('.') == std::string::npos) key = package + "." + key;
    auto it = schema_->types_.find(key);
    return it == schema_->types_.end() ? nullptr : it->second.get();
  }

  Status ParseType(const std::string& package, std::string_view text, Field* field) const {
    if (text.starts_with("[]")) {
      field->container = Container::kList;
      text.remove_prefix(2);
    } else if (text.starts_with("map[string]")) {
      field->container = Container::kMap;
      text.remove_prefix(11);
    }
    auto scalar = Scalars().find(text);
    if (scalar != Scalars().end()) {
      field->scalar = scalar->second;
      return Status::Ok();
    }
    field->scalar = Scalar::kObject;
    field->object = Resolve(package, text);
    if (field->object == nullptr) {
      return Status(Code::kInvalidArgument, fmt::format("unknown type {}", text));
    }
    return Status::Ok();
  }

  Status ParseField(const std::string& package, const YAML::Node& node, Field* field) const {
    static const std::set<std::string> kKnown = {
        "proto",   "type", "inline", "pointer", "required", "emitZero", "enum",
        "default", "list", "keys",   "mapType", "patch",    "mergeKey", "description"};
    for (const auto& attribute : node) {
      if (!kKnown.count(attribute.first.as<std::string>())) {
        return Status(Code::kInvalidArgument,
                      "unknown attribute " + attribute.first.as<std::string>());
      }
    }
    if (!node["type"]) return Status(Code::kInvalidArgument, "has no type");
    MINI_RETURN_IF_ERROR(ParseType(package, node["type"].as<std::string>(), field));
    if (node["proto"]) field->proto = node["proto"].as<int>();
    field->inlined = node["inline"] && node["inline"].as<bool>();
    field->pointer = node["pointer"] && node["pointer"].as<bool>();
    field->required = node["required"] && node["required"].as<bool>();
    field->emit_zero = field->required || (node["emitZero"] && node["emitZero"].as<bool>());
    field->enum_values = Strings(node["enum"]);
    if (node["default"]) field->default_json = DefaultJson(node["default"]);
    if (node["list"]) {
      std::string list = node["list"].as<std::string>();
      if (list == "atomic")
        field->list_type = ListType::kAtomic;
      else if (list == "set")
        field->list_type = ListType::kSet;
      else if (list == "map")
        field->list_type = ListType::kMap;
      else
        return Status(Code::kInvalidArgument, "unknown list type " + list);
    }
    field->list_keys = Strings(node["keys"]);
    if (field->list_type == ListType::kMap && field->list_keys.empty()) {
      return Status(Code::kInvalidArgument, "a map list needs keys");
    }
    field->map_atomic = node["mapType"] && node["mapType"].as<std::string>() == "atomic";
    if (node["patch"]) {
      std::string patch = node["patch"].as<std::string>();
      field->patch_merge = patch.find("merge") != std::string::npos;
      field->patch_retain_keys = patch.find("retainKeys") != std::string::npos;
    }
    if (node["mergeKey"]) field->patch_merge_key = node["mergeKey"].as<std::string>();
    if (node["description"]) field->description = node["description"].as<std::string>();
    if (field->inlined && field->scalar != Scalar::kObject) {
      return Status(Code::kInvalidArgument, "only an object can be inlined");
    }
    return Status::Ok();
  }

  // Defaults are written as YAML scalars (`default: "TCP"` or `default: 1`); keep them as JSON
  // literals so consumers need no YAML.
  static std::string DefaultJson(const YAML::Node& node) {
    std::string tag = node.Tag();
    std::string text = node.as<std::string>();
    if (tag == "!") return "\"" + text + "\"";  // quoted in the YAML: a string
    if (text == "true" || text == "false") return text;
    bool numeric = !text.empty() && text.find_first_not_of("-0123456789.") == std::string::npos;
    return numeric ? text : "\"" + text + "\"";
  }

  Status DefineResources(const std::string& file, const std::string& package,
                         const YAML::Node& doc) {
    for (const auto& entry : doc["resources"]) {
      const YAML::Node& body = entry.second;
      Resource resource;
      resource.group = schema_->groups_[package];
      resource.version = doc["version"].as<std::string>();
      resource.plural = entry.first.as<std::string>();
      if (!body["kind"]) return Error(file, resource.plural + " names no kind");
      resource.kind = body["kind"].as<std::string>();
      resource.type = Resolve(package, resource.kind);
      if (resource.type == nullptr) {
        return Error(file, resource.plural + " serves unknown kind " + resource.kind);
      }
      resource.singular = body["singular"] ? body["singular"].as<std::string>() : "";
      if (resource.singular.empty()) {
        for (char c : resource.kind) resource.singular += static_cast<char>(std::tolower(c));
      }
      resource.namespaced = !body["namespaced"] || body["namespaced"].as<bool>();
      resource.short_names = Strings(body["shortNames"]);
      resource.categories = Strings(body["categories"]);
      resource.verbs = body["verbs"] ? Strings(body["verbs"]) : kDefaultVerbs;
      std::sort(resource.verbs.begin(), resource.verbs.end());
      for (const auto& sub : body["subresources"]) {
        Subresource subresource;
        subresource.name = sub.first.as<std::string>();
        subresource.type = Resolve(package, sub.second.as<std::string>());
        if (subresource.type == nullptr) {
          return Error(file, fmt::format("{}/{} serves unknown kind {}", resource.plural,
                                         subresource.name, sub.second.as<std::string>()));
        }
        const std::string& sub_package = subresource.type->package;
        subresource.group = schema_->groups_[sub_package];
        subresource.version = sub_package.substr(sub_package.find('/') + 1);
        resource.subresources.push_back(std::move(subresource));
      }
      schema_->resources_.push_back(std::move(resource));
    }
    return Status::Ok();
  }

  Schema* schema_;
};

Result<std::shared_ptr<const Schema>> Schema::Load(
    const std::vector<std::pair<std::string, std::string>>& documents) {
  auto schema = std::shared_ptr<Schema>(new Schema());
  SchemaLoader loader(schema.get());
  std::vector<std::pair<std::string, YAML::Node>> parsed;
  try {
    for (const auto& [file, text] : documents) {
      parsed.emplace_back(file, YAML::Load(text));
      MINI_RETURN_IF_ERROR(loader.Declare(file, parsed.back().second));
    }
    for (const auto& [file, doc] : parsed) MINI_RETURN_IF_ERROR(loader.Define(file, doc));
  } catch (const YAML::Exception& e) {
    return Status(Code::kInvalidArgument, fmt::format("schema: {}", e.what()));
  }
  std::sort(schema->resources_.begin(), schema->resources_.end(),
            [](const Resource& a, const Resource& b) {
              // The core group first, as Kubernetes lists it; then by group and plural.
              return std::make_tuple(!a.group.empty(), a.group, a.version, a.plural) <
                     std::make_tuple(!b.group.empty(), b.group, b.version, b.plural);
            });
  return std::shared_ptr<const Schema>(std::move(schema));
}

}  // namespace mini::cluster::api::schema
