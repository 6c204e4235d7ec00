#include "cluster/api/openapi/schemas.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <optional>
#include <string>

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;
using schema::Field;
using schema::ListType;
using schema::Scalar;
using schema::Type;

// A reference that carries keywords of its own (description, default). OpenAPI 3.0 ignores
// keywords beside a $ref, so Kubernetes wraps the reference in a one-element allOf; kubectl's
// patch and explain code follow allOf[0]. Swagger 2.0 readers take the siblings as they are, and
// there a struct's `default: {}` says nothing, so it is left out.
json::object RefWith(Dialect dialect, std::string_view name, json::object siblings) {
  if (dialect == Dialect::kV2) siblings.erase("default");
  if (siblings.empty()) return Ref(dialect, name);
  if (dialect == Dialect::kV3) {
    siblings["allOf"] = json::array{Ref(dialect, name)};
  } else {
    siblings["$ref"] = Ref(dialect, name)["$ref"];
  }
  return siblings;
}

json::object Primitive(Scalar scalar) {
  switch (scalar) {
    case Scalar::kBoolean:
      return {{"type", "boolean"}};
    case Scalar::kInt32:
      return {{"type", "integer"}, {"format", "int32"}};
    case Scalar::kInt64:
      return {{"type", "integer"}, {"format", "int64"}};
    case Scalar::kDouble:
      return {{"type", "number"}, {"format", "double"}};
    case Scalar::kBytes:
      return {{"type", "string"}, {"format", "byte"}};
    case Scalar::kStringList:
      return {{"type", "array"}, {"items", {{"type", "string"}, {"default", ""}}}};
    default:
      return {{"type", "string"}};
  }
}

// The value Go leaves in a field it always writes: Kubernetes publishes it as the default.
json::value ZeroOf(Scalar scalar) {
  switch (scalar) {
    case Scalar::kString:
      return "";
    case Scalar::kBoolean:
      return false;
    case Scalar::kInt32:
    case Scalar::kInt64:
    case Scalar::kDouble:
      return 0;
    default:
      return nullptr;
  }
}

bool IsPrimitive(Scalar scalar) { return scalar != Scalar::kObject && ScalarName(scalar).empty(); }

void AddEnum(const Field& field, json::object& schema) {
  if (field.enum_values.empty()) return;
  json::array values;
  for (const std::string& value : field.enum_values) values.emplace_back(value);
  schema["enum"] = std::move(values);
}

// One list item or map value. Kubernetes gives struct and primitive elements their zero value
// as default, so that a client filling in an element knows what an absent key means.
json::object Element(Dialect dialect, const Field& field) {
  if (field.scalar == Scalar::kObject) {
    return RefWith(dialect, field.object->OpenApiName(), {{"default", json::object()}});
  }
  if (!IsPrimitive(field.scalar)) return Ref(dialect, ScalarName(field.scalar));
  json::object element = Primitive(field.scalar);
  if (json::value zero = ZeroOf(field.scalar); !zero.is_null()) element["default"] = zero;
  AddEnum(field, element);
  return element;
}

std::optional<json::value> ParsedDefault(const Field& field) {
  if (!field.default_json) return std::nullopt;
  boost::system::error_code error;
  json::value value = json::parse(*field.default_json, error);
  if (error) return std::nullopt;  // the loader writes literals; a bad one is dropped, not served
  return value;
}

void AddExtensions(const Field& field, json::object& schema) {
  switch (field.list_type) {
    case ListType::kUnspecified:
      break;
    case ListType::kAtomic:
      schema["x-kubernetes-list-type"] = "atomic";
      break;
    case ListType::kSet:
      schema["x-kubernetes-list-type"] = "set";
      break;
    case ListType::kMap: {
      schema["x-kubernetes-list-type"] = "map";
      json::array keys;
      for (const std::string& key : field.list_keys) keys.emplace_back(key);
      schema["x-kubernetes-list-map-keys"] = std::move(keys);
      break;
    }
  }
  if (field.map_atomic) schema["x-kubernetes-map-type"] = "atomic";
  if (field.patch_merge && field.patch_retain_keys) {
    schema["x-kubernetes-patch-strategy"] = "merge,retainKeys";
  } else if (field.patch_merge) {
    schema["x-kubernetes-patch-strategy"] = "merge";
  } else if (field.patch_retain_keys) {
    schema["x-kubernetes-patch-strategy"] = "retainKeys";
  }
  if (!field.patch_merge_key.empty()) {
    schema["x-kubernetes-patch-merge-key"] = field.patch_merge_key;
  }
}

json::object Property(Dialect dialect, const Field& field) {
  json::object property;
  std::optional<json::value> declared_default = ParsedDefault(field);
  if (field.is_list() || field.is_map()) {
    property["type"] = field.is_list() ? "array" : "object";
    property[field.is_list() ? "items" : "additionalProperties"] = Element(dialect, field);
    if (declared_default) property["default"] = *declared_default;
  } else if (!IsPrimitive(field.scalar)) {
    json::object siblings;
    if (!field.description.empty()) siblings["description"] = field.description;
    if (declared_default) {
      siblings["default"] = *declared_default;
    } else if (field.scalar == Scalar::kObject && !field.pointer) {
      siblings["default"] = json::object();  // a Go struct value is never absent
    }
    std::string name = field.scalar == Scalar::kObject ? field.object->OpenApiName()
                                                       : std::string(ScalarName(field.scalar));
    property = RefWith(dialect, name, std::move(siblings));
  } else {
    property = Primitive(field.scalar);
    AddEnum(field, property);
    if (declared_default) {
      property["default"] = *declared_default;
    } else if (field.emit_zero && !field.pointer) {
      property["default"] = ZeroOf(field.scalar);
    }
  }
  if (!field.description.empty()) property["description"] = field.description;
  AddExtensions(field, property);
  return property;
}

// Inlined fields (Volume's volumeSource) contribute their type's fields, as Go's JSON does.
void AddFields(Dialect dialect, const Type& type, json::object& properties, json::array& required) {
  for (const Field& field : type.fields) {
    if (field.inlined) {
      AddFields(dialect, *field.object, properties, required);
      continue;
    }
    properties[field.name] = Property(dialect, field);
    if (field.required) required.emplace_back(field.name);
  }
}

void AddTypeMeta(json::object& properties) {
  properties["apiVersion"] = {
      {"type", "string"},
      {"description",
       "The version of the schema this object follows, \"v1\" or \"<group>/<version>\"; the "
       "server answers in the version the request asked for."}};
  properties["kind"] = {
      {"type", "string"},
      {"description",
       "The kind of object, in CamelCase. The server infers it from the URL when a request "
       "leaves it out; it cannot be changed."}};
}

void AddGvks(const Definition& definition, json::object& schema) {
  if (definition.gvks.empty()) return;
  json::array gvks;
  for (const Gvk& gvk : definition.gvks) {
    gvks.push_back(
        json::object{{"group", gvk.group}, {"kind", gvk.kind}, {"version", gvk.version}});
  }
  schema["x-kubernetes-group-version-kind"] = std::move(gvks);
}

json::object TypeSchema(Dialect dialect, const Definition& definition) {
  const Type& type = *definition.type;
  json::object schema{{"type", "object"}};
  if (!type.description.empty()) schema["description"] = type.description;
  json::object properties;
  json::array required;
  if (definition.has_type_meta()) AddTypeMeta(properties);
  AddFields(dialect, type, properties, required);
  if (!properties.empty()) schema["properties"] = std::move(properties);
  if (!required.empty()) schema["required"] = std::move(required);
  if (type.atomic) schema["x-kubernetes-map-type"] = "atomic";
  return schema;
}

json::object ListSchema(const Model& model, Dialect dialect, const Definition& definition) {
  const std::string& kind = definition.type->name;
  json::object properties;
  AddTypeMeta(properties);
  properties["items"] = {
      {"type", "array"},
      {"description", "The " + kind + " objects, in key order."},
      {"items", RefWith(dialect, definition.type->OpenApiName(), {{"default", json::object()}})}};
  json::object metadata{{"description",
                         "The list's resource version, and the continue token when the server "
                         "returned only part of the collection."}};
  if (const schema::Type* list_meta = model.schema().FindType("meta/v1", "ListMeta")) {
    metadata["default"] = json::object();
    properties["metadata"] = RefWith(dialect, list_meta->OpenApiName(), std::move(metadata));
  } else {
    metadata["type"] = "object";
    properties["metadata"] = std::move(metadata);
  }
  return {{"type", "object"},
          {"description", "A collection of " + kind + " objects."},
          {"properties", std::move(properties)},
          {"required", json::array{"items"}}};
}

json::object ScalarSchema(Dialect dialect, Scalar scalar) {
  switch (scalar) {
    case Scalar::kQuantity: {
      json::object schema{{"description",
                           "A decimal or binary amount such as \"500m\", \"2\" or \"1Gi\"; "
                           "clients may send a plain number."}};
      if (dialect == Dialect::kV3) {
        schema["oneOf"] =
            json::array{json::object{{"type", "string"}}, json::object{{"type", "number"}}};
      } else {
        schema["type"] = "string";
      }
      return schema;
    }
    case Scalar::kIntOrString: {
      json::object schema{
          {"description", "Either an integer or a string, such as a port number or its name."},
          {"format", "int-or-string"}};
      if (dialect == Dialect::kV3) {
        schema["oneOf"] =
            json::array{json::object{{"type", "integer"}}, json::object{{"type", "string"}}};
      } else {
        schema["type"] = "string";
      }
      return schema;
    }
    case Scalar::kTime:
      return {{"type", "string"},
              {"format", "date-time"},
              {"description", "A point in time in RFC 3339 form with second precision, in UTC."}};
    case Scalar::kMicroTime:
      return {{"type", "string"},
              {"format", "date-time"},
              {"description", "A point in time in RFC 3339 form with microsecond precision."}};
    case Scalar::kDuration:
      return {{"type", "string"},
              {"description", "A length of time such as \"1h2m3s\" or \"250ms\"."}};
    case Scalar::kRawExtension:
      return {{"type", "object"}, {"description", "An embedded object of any kind, kept as is."}};
    case Scalar::kFieldsV1:
      return {{"type", "object"},
              {"description",
               "A set of fields as nested \"f:<name>\", \"k:<key>\", \"v:<value>\" and \".\" "
               "entries: what a field manager owns."}};
    default:
      return Primitive(scalar);
  }
}

json::object WatchEventSchema(Dialect dialect) {
  json::object object{{"description",
                       "The object after the change; for DELETED its last state, for ERROR a "
                       "Status, for BOOKMARK an object carrying only the resource version."}};
  json::object properties{
      {"type",
       {{"type", "string"},
        {"default", ""},
        {"description", "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."}}},
      {"object", RefWith(dialect, ScalarName(Scalar::kRawExtension), std::move(object))}};
  return {{"type", "object"},
          {"description", "One change seen by a watch."},
          {"properties", std::move(properties)},
          {"required", json::array{"type", "object"}}};
}

}  // namespace

json::object Ref(Dialect dialect, std::string_view name) {
  std::string target = dialect == Dialect::kV3 ? "#/components/schemas/" : "#/definitions/";
  target += name;
  return {{"$ref", std::move(target)}};
}

json::object DefinitionSchema(const Model& model, Dialect dialect, const Definition& definition) {
  json::object schema;
  switch (definition.what) {
    case Definition::What::kType:
      schema = TypeSchema(dialect, definition);
      break;
    case Definition::What::kList:
      schema = ListSchema(model, dialect, definition);
      break;
    case Definition::What::kScalar:
      schema = ScalarSchema(dialect, definition.scalar);
      break;
    case Definition::What::kPatch:
      schema = {{"type", "object"},
                {"description",
                 "A patch in the format the request's Content-Type names: JSON patch, JSON "
                 "merge patch, strategic merge patch or an apply configuration."}};
      break;
    case Definition::What::kWatchEvent:
      schema = WatchEventSchema(dialect);
      break;
  }
  AddGvks(definition, schema);
  return schema;
}

}  // namespace mini::cluster::api::openapi
