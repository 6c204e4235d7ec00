// What every OpenAPI document needs to know about a schema, worked out once: the definitions a
// document may name (schema types, synthesized List kinds, the special scalars, meta extras),
// which of them are kinds under which group-version-kinds, and what each one refers to.
// Internal to the openapi library.
#pragma once

#include <compare>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::openapi {

struct GroupVersion {
  std::string group;
  std::string version;
  auto operator<=>(const GroupVersion&) const = default;
};

struct Gvk {
  std::string group;
  std::string version;
  std::string kind;
  auto operator<=>(const Gvk&) const = default;
};

inline constexpr std::string_view kPatchName = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
inline constexpr std::string_view kWatchEventName =
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";

/// A schema that documents may carry under components.schemas (v3) or definitions (v2).
struct Definition {
  enum class What { kType, kList, kScalar, kPatch, kWatchEvent };
  What what = What::kType;
  const schema::Type* type = nullptr;               // kType; for kList the type of the items
  schema::Scalar scalar = schema::Scalar::kString;  // kScalar
  std::vector<Gvk> gvks;                            // sorted; non-empty when this is a kind
  std::vector<std::string> refs;                    // names of the definitions this one refers to
  /// Kinds carry apiVersion and kind properties; WatchEvent has a GVK but is not an object kind.
  bool has_type_meta() const { return !gvks.empty() && what != What::kWatchEvent; }
};

/// Whether the resource's verbs (sorted, as the schema keeps them) include `verb`.
bool HasVerb(const schema::Resource& resource, std::string_view verb);

/// status and scale read and write a view of their parent; every other subresource (binding,
/// eviction, token) is an action that is only ever created.
bool IsReadWriteSubresource(std::string_view name);

/// The definition name a scalar refers to ("io.k8s.apimachinery.pkg.api.resource.Quantity"),
/// or empty for the primitives that are written inline.
std::string_view ScalarName(schema::Scalar scalar);

class Model {
 public:
  explicit Model(const schema::Schema& schema);

  const schema::Schema& schema() const { return schema_; }
  /// Every group-version that serves at least one resource, core first.
  const std::vector<GroupVersion>& group_versions() const { return group_versions_; }
  std::vector<const schema::Resource*> ResourcesOf(const GroupVersion& gv) const;

  const Definition* Find(std::string_view name) const;
  /// The names that `roots` reach through refs, roots included; unknown roots are dropped.
  std::set<std::string> Reachable(const std::vector<std::string>& roots) const;
  /// The definitions a group-version's document starts from: its kinds, their lists,
  /// subresource kinds and the meta kinds its operations name.
  std::vector<std::string> RootsOf(const GroupVersion& gv) const;

  /// Names of meta kinds the operations use; empty when the schema does not declare them.
  const std::string& status_name() const { return status_name_; }
  const std::string& delete_options_name() const { return delete_options_name_; }

  /// "io.k8s.api.apps.v1.DeploymentList"; the definition exists when the resource lists.
  static std::string ListName(const schema::Resource& resource);

 private:
  void AddTypes();
  void AddResources();
  void AddMetaKinds();
  std::vector<std::string> TypeRefs(const schema::Type& type) const;

  const schema::Schema& schema_;
  std::vector<GroupVersion> group_versions_;
  std::map<std::string, Definition, std::less<>> definitions_;
  std::string status_name_;
  std::string delete_options_name_;
};

}  // namespace mini::cluster::api::openapi
