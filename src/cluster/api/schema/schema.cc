#include "cluster/api/schema/schema.h"

#include <fmt/format.h>

#include <cstdlib>

#include "cluster/api/schema/embedded.h"

namespace mini::cluster::api::schema {

std::string Field::DisplayType() const {
  std::string element;
  switch (scalar) {
    case Scalar::kObject:
      element = object->name;
      break;
    case Scalar::kString:
      element = "string";
      break;
    case Scalar::kBoolean:
      element = "boolean";
      break;
    case Scalar::kInt32:
    case Scalar::kInt64:
      element = "integer";
      break;
    case Scalar::kDouble:
      element = "number";
      break;
    case Scalar::kBytes:
      element = "string";
      break;
    case Scalar::kQuantity:
      element = "Quantity";
      break;
    case Scalar::kIntOrString:
      element = "IntOrString";
      break;
    case Scalar::kTime:
    case Scalar::kMicroTime:
      element = "Time";
      break;
    case Scalar::kDuration:
      element = "Duration";
      break;
    case Scalar::kRawExtension:
    case Scalar::kFieldsV1:
      element = "Object";
      break;
    case Scalar::kStringList:
      element = "[]string";
      break;
  }
  switch (container) {
    case Container::kList:
      return "[]" + element;
    case Container::kMap:
      return "map[string]" + element;
    case Container::kNone:
      break;
  }
  return element;
}

std::string Type::OpenApiName() const {
  std::string dotted = package;
  dotted[dotted.find('/')] = '.';
  if (package.starts_with("meta/")) return "io.k8s.apimachinery.pkg.apis." + dotted + "." + name;
  return "io.k8s.api." + dotted + "." + name;
}

const Field* Type::FindField(std::string_view json_name) const {
  for (const Field& field : fields) {
    if (field.inlined) {
      if (const Field* inner = field.object->FindField(json_name)) return inner;
    } else if (field.name == json_name) {
      return &field;
    }
  }
  return nullptr;
}

std::string Resource::ApiVersion() const { return group.empty() ? version : group + "/" + version; }

const Subresource* Resource::FindSubresource(std::string_view name) const {
  for (const Subresource& sub : subresources) {
    if (sub.name == name) return &sub;
  }
  return nullptr;
}

const Type* Schema::FindType(std::string_view package, std::string_view name) const {
  auto it = types_.find(fmt::format("{}.{}", package, name));
  return it == types_.end() ? nullptr : it->second.get();
}

const Resource* Schema::FindResource(std::string_view group, std::string_view version,
                                     std::string_view plural) const {
  for (const Resource& r : resources_) {
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  }
  return nullptr;
}

const Resource* Schema::FindKind(std::string_view group, std::string_view version,
                                 std::string_view kind) const {
  for (const Resource& r : resources_) {
    if (r.group == group && r.version == version && r.kind == kind) return &r;
  }
  return nullptr;
}

std::vector<const Type*> Schema::types() const {
  std::vector<const Type*> out;
  out.reserve(types_.size());
  for (const auto& [key, type] : types_) out.push_back(type.get());
  return out;
}

std::string Schema::GroupOf(std::string_view package) const {
  auto it = groups_.find(package);
  return it == groups_.end() ? std::string() : it->second;
}

const Schema& Builtin() {
  static const std::shared_ptr<const Schema> schema = [] {
    auto loaded = Schema::Load(EmbeddedDocuments());
    if (!loaded.ok()) {
      fmt::print(stderr, "mini: the compiled-in API schema is broken: {}\n",
                 loaded.status().message());
      std::abort();
    }
    return *std::move(loaded);
  }();
  return *schema;
}

}  // namespace mini::cluster::api::schema
