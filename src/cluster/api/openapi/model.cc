#include "cluster/api/openapi/model.h"

#include <algorithm>
#include <deque>

namespace mini::cluster::api::openapi {
namespace {

using schema::Resource;
using schema::Scalar;
using schema::Type;

constexpr Scalar kSpecialScalars[] = {
    Scalar::kQuantity, Scalar::kIntOrString,  Scalar::kTime,    Scalar::kMicroTime,
    Scalar::kDuration, Scalar::kRawExtension, Scalar::kFieldsV1};

void SortUnique(std::vector<Gvk>& gvks) {
  std::sort(gvks.begin(), gvks.end());
  gvks.erase(std::unique(gvks.begin(), gvks.end()), gvks.end());
}

}  // namespace

bool HasVerb(const Resource& resource, std::string_view verb) {
  return std::binary_search(resource.verbs.begin(), resource.verbs.end(), verb);
}

bool IsReadWriteSubresource(std::string_view name) { return name == "status" || name == "scale"; }

std::string_view ScalarName(Scalar scalar) {
  switch (scalar) {
    case Scalar::kQuantity:
      return "io.k8s.apimachinery.pkg.api.resource.Quantity";
    case Scalar::kIntOrString:
      return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    case Scalar::kTime:
      return "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    case Scalar::kMicroTime:
      return "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    case Scalar::kDuration:
      return "io.k8s.apimachinery.pkg.apis.meta.v1.Duration";
    case Scalar::kRawExtension:
      return "io.k8s.apimachinery.pkg.runtime.RawExtension";
    case Scalar::kFieldsV1:
      return "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
    default:
      return {};
  }
}

std::string Model::ListName(const Resource& resource) {
  return resource.type->OpenApiName() + "List";
}

Model::Model(const schema::Schema& schema) : schema_(schema) {
  for (const Resource& resource : schema_.resources()) {
    GroupVersion gv{resource.group, resource.version};
    if (std::find(group_versions_.begin(), group_versions_.end(), gv) == group_versions_.end()) {
      group_versions_.push_back(std::move(gv));
    }
  }
  AddTypes();
  AddResources();
  AddMetaKinds();
}

std::vector<std::string> Model::TypeRefs(const Type& type) const {
  std::vector<std::string> refs;
  for (const schema::Field& field : type.fields) {
    if (field.inlined) {
      // The inlined type's fields become the parent's own, and so do their references.
      std::vector<std::string> inner = TypeRefs(*field.object);
      refs.insert(refs.end(), inner.begin(), inner.end());
    } else if (field.scalar == Scalar::kObject) {
      refs.push_back(field.object->OpenApiName());
    } else if (std::string_view name = ScalarName(field.scalar); !name.empty()) {
      refs.emplace_back(name);
    }
  }
  return refs;
}

void Model::AddTypes() {
  for (const Type* type : schema_.types()) {
    Definition definition;
    definition.type = type;
    definition.refs = TypeRefs(*type);
    definitions_.emplace(type->OpenApiName(), std::move(definition));
  }
  for (Scalar scalar : kSpecialScalars) {
    Definition definition;
    definition.what = Definition::What::kScalar;
    definition.scalar = scalar;
    definitions_.emplace(ScalarName(scalar), std::move(definition));
  }
}

void Model::AddResources() {
  const Type* list_meta = schema_.FindType("meta/v1", "ListMeta");
  for (const Resource& resource : schema_.resources()) {
    definitions_[resource.type->OpenApiName()].gvks.push_back(
        {resource.group, resource.version, resource.kind});
    for (const schema::Subresource& sub : resource.subresources) {
      if (sub.type == nullptr || sub.type == resource.type) continue;  // listed once
      definitions_[sub.type->OpenApiName()].gvks.push_back(
          {sub.group, sub.version, sub.type->name});
    }
    if (!HasVerb(resource, "list")) continue;
    Definition list;
    list.what = Definition::What::kList;
    list.type = resource.type;
    list.gvks.push_back({resource.group, resource.version, resource.kind + "List"});
    list.refs.push_back(resource.type->OpenApiName());
    if (list_meta != nullptr) list.refs.push_back(list_meta->OpenApiName());
    // A type the schema declares under the same name wins over the synthesized list.
    definitions_.emplace(ListName(resource), std::move(list));
  }
}

void Model::AddMetaKinds() {
  std::vector<Gvk> everywhere;  // DeleteOptions and WatchEvent travel in every group-version
  for (const GroupVersion& gv : group_versions_) everywhere.push_back({gv.group, gv.version, ""});
  auto served_as = [&](std::string kind) {
    std::vector<Gvk> gvks = everywhere;
    for (Gvk& gvk : gvks) gvk.kind = kind;
    return gvks;
  };

  if (const Type* status = schema_.FindType("meta/v1", "Status")) {
    status_name_ = status->OpenApiName();
    // Errors of every group are core v1 Status objects.
    definitions_[status_name_].gvks.push_back({"", "v1", "Status"});
  }
  if (const Type* options = schema_.FindType("meta/v1", "DeleteOptions")) {
    delete_options_name_ = options->OpenApiName();
    std::vector<Gvk> gvks = served_as("DeleteOptions");
    std::vector<Gvk>& target = definitions_[delete_options_name_].gvks;
    target.insert(target.end(), gvks.begin(), gvks.end());
  }
  Definition patch;
  patch.what = Definition::What::kPatch;
  definitions_.emplace(kPatchName, std::move(patch));
  Definition watch_event;
  watch_event.what = Definition::What::kWatchEvent;
  watch_event.gvks = served_as("WatchEvent");
  watch_event.refs.emplace_back(ScalarName(Scalar::kRawExtension));
  definitions_.emplace(kWatchEventName, std::move(watch_event));

  for (auto& [name, definition] : definitions_) SortUnique(definition.gvks);
}

std::vector<const Resource*> Model::ResourcesOf(const GroupVersion& gv) const {
  std::vector<const Resource*> out;
  for (const Resource& resource : schema_.resources()) {
    if (resource.group == gv.group && resource.version == gv.version) out.push_back(&resource);
  }
  return out;
}

const Definition* Model::Find(std::string_view name) const {
  auto it = definitions_.find(name);
  return it == definitions_.end() ? nullptr : &it->second;
}

std::set<std::string> Model::Reachable(const std::vector<std::string>& roots) const {
  std::set<std::string> seen;
  std::deque<std::string> pending(roots.begin(), roots.end());
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    const Definition* definition = Find(name);
    if (definition == nullptr || !seen.insert(name).second) continue;
    pending.insert(pending.end(), definition->refs.begin(), definition->refs.end());
  }
  return seen;
}

std::vector<std::string> Model::RootsOf(const GroupVersion& gv) const {
  std::vector<std::string> roots;
  bool patches = false;
  bool deletes = false;
  bool watches = false;
  for (const Resource* resource : ResourcesOf(gv)) {
    roots.push_back(resource->type->OpenApiName());
    if (HasVerb(*resource, "list")) roots.push_back(ListName(*resource));
    for (const schema::Subresource& sub : resource->subresources) {
      if (sub.type != nullptr) roots.push_back(sub.type->OpenApiName());
      patches |= IsReadWriteSubresource(sub.name);
    }
    patches |= HasVerb(*resource, "patch");
    deletes |= HasVerb(*resource, "delete") || HasVerb(*resource, "deletecollection");
    watches |= HasVerb(*resource, "watch");
  }
  if (roots.empty()) return roots;  // nothing served here: no operations to describe
  if (!status_name_.empty()) roots.push_back(status_name_);
  if (deletes && !delete_options_name_.empty()) roots.push_back(delete_options_name_);
  if (patches) roots.emplace_back(kPatchName);
  if (watches) roots.emplace_back(kWatchEventName);
  return roots;
}

}  // namespace mini::cluster::api::openapi
