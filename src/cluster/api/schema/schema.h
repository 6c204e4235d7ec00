// The one description of every kind the API server serves: its fields with their JSON names,
// types, protobuf numbers, list and patch semantics, enums, defaults and descriptions, and the
// REST resources that expose the kinds. OpenAPI, protobuf decoding, strategic merge patch,
// server-side apply, structural validation and discovery all read this instead of restating
// it, so a field added in data/*.yaml reaches every one of them.
//
// The data lives in data/<group>_<version>.yaml (compiled into the binary); see
// docs/design/api-schema.md for the format. A Schema is immutable once loaded: share it freely
// between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mini::cluster::api::schema {

/// What a value is when it is not an object of a schema Type.
enum class Scalar : uint8_t {
  kObject,  // a schema Type: see Field::object
  kString,
  kBoolean,
  kInt32,
  kInt64,
  kDouble,
  kBytes,         // base64 in JSON, raw bytes in protobuf
  kQuantity,      // "500m", "1Gi": a string in JSON, {1: string} in protobuf
  kIntOrString,   // 80 or "http"
  kTime,          // RFC 3339 seconds; {1: seconds, 2: nanos} in protobuf; zero means unset
  kMicroTime,     // RFC 3339 with microseconds
  kDuration,      // "1h2m3s"; {1: nanoseconds} in protobuf
  kRawExtension,  // any JSON object; {1: raw JSON bytes} in protobuf
  kFieldsV1,      // managedFields' field set: any JSON object; {1: raw JSON bytes}
  kStringList,    // a JSON array of strings; {1: repeated string} in protobuf (map values)
};

enum class Container : uint8_t {
  kNone,
  kList,  // JSON array; repeated in protobuf
  kMap,   // JSON object with string keys; protobuf map entries {1: key, 2: value}
};

/// How server-side apply and strategic merge patch treat a list (Kubernetes' listType).
enum class ListType : uint8_t {
  kUnspecified,  // atomic for apply; strategic merge patch follows the patch strategy
  kAtomic,       // replaced as a whole
  kSet,          // scalars merged as a set
  kMap,          // objects merged by the key fields in list_keys
};

struct Type;

struct Field {
  std::string name;  // JSON name
  int proto = 0;     // protobuf field number; 0 when the field has none
  Container container = Container::kNone;
  Scalar scalar = Scalar::kString;  // of the element when container is not kNone
  const Type* object = nullptr;     // set exactly when scalar is kObject
  /// JSON merges this object's fields into the enclosing object (Volume's volumeSource); in
  /// protobuf it is its own message under `proto`.
  bool inlined = false;
  /// Go pointer: present-but-zero differs from absent (spec.replicas: 0).
  bool pointer = false;
  /// Validation requires a value (OpenAPI `required`).
  bool required = false;
  /// Kubernetes writes the zero value instead of omitting the field (Go json without omitempty).
  bool emit_zero = false;
  std::vector<std::string> enum_values;
  std::optional<std::string> default_json;  // the default, as a JSON literal ("\"TCP\"", "1")
  ListType list_type = ListType::kUnspecified;
  std::vector<std::string> list_keys;
  bool map_atomic = false;         // mapType=atomic
  bool patch_merge = false;        // patchStrategy merge
  bool patch_retain_keys = false;  // patchStrategy retainKeys
  std::string patch_merge_key;
  std::string description;

  bool is_list() const { return container == Container::kList; }
  bool is_map() const { return container == Container::kMap; }
  /// How the type reads in `kubectl explain` and error messages: "[]Container",
  /// "map[string]string", "integer", "Object", "Quantity".
  std::string DisplayType() const;
};

struct Type {
  std::string package;  // "core/v1", "apps/v1", "meta/v1": the file the type lives in
  std::string name;     // "DeploymentSpec"
  std::string description;
  bool atomic = false;  // structType=atomic: apply replaces it whole
  std::vector<Field> fields;

  /// "io.k8s.api.apps.v1.DeploymentSpec": the name OpenAPI definitions use.
  std::string OpenApiName() const;
  /// The field with this JSON name, looking through inlined fields; nullptr if none.
  const Field* FindField(std::string_view json_name) const;
};

struct Subresource {
  std::string name;            // "status", "scale", "binding", "eviction", "token"
  const Type* type = nullptr;  // what the subresource accepts and returns
  std::string group;           // of `type`'s kind, which may differ from the parent's
  std::string version;
};

struct Resource {
  std::string group;     // "" for the core group, "apps", "rbac.authorization.k8s.io"
  std::string version;   // "v1"
  std::string plural;    // "deployments": the path segment
  std::string singular;  // "deployment"
  std::string kind;      // "Deployment"
  const Type* type = nullptr;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;  // sorted, as discovery lists them
  std::vector<Subresource> subresources;

  /// "apps/v1", or "v1" for the core group.
  std::string ApiVersion() const;
  const Subresource* FindSubresource(std::string_view name) const;
};

/// A parsed schema document set.
class Schema {
 public:
  /// Parses and links documents given as (file name, YAML text). Every type reference must
  /// resolve and every resource must name a kind of its own package; errors name the file
  /// and the type or field at fault.
  static Result<std::shared_ptr<const Schema>> Load(
      const std::vector<std::pair<std::string, std::string>>& documents);

  /// A type by package and name ("apps/v1", "DeploymentSpec"); nullptr if unknown.
  const Type* FindType(std::string_view package, std::string_view name) const;
  /// The resource served at group/version/plural; nullptr if none.
  const Resource* FindResource(std::string_view group, std::string_view version,
                               std::string_view plural) const;
  /// The resource whose kind is `kind` in group/version; nullptr if none.
  const Resource* FindKind(std::string_view group, std::string_view version,
                           std::string_view kind) const;

  /// Every resource, by group (core first, then by name) and plural.
  const std::vector<Resource>& resources() const { return resources_; }
  /// Every type, by package then name.
  std::vector<const Type*> types() const;
  /// The API group a package serves ("apps/v1" -> "apps", "core/v1" -> "").
  std::string GroupOf(std::string_view package) const;

 private:
  std::map<std::string, std::unique_ptr<Type>, std::less<>> types_;  // "pkg.Name"
  std::map<std::string, std::string, std::less<>> groups_;           // package -> group
  std::vector<Resource> resources_;

  friend class SchemaLoader;
};

/// The schema compiled into mini from data/*.yaml, loaded on first use. Aborts with the
/// loader's message if the embedded data is broken, which tests catch before a release.
const Schema& Builtin();

}  // namespace mini::cluster::api::schema
