// Internal: what the schema says about the JSON value at some position, so the merge and
// field-set walkers can descend a document and the schema together. An empty Shape means the
// schema knows nothing (an unknown field, a kind without schema): callers then treat objects
// as free-form maps and lists as atomic.
#pragma once

#include <string_view>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::patch {

struct Shape {
  /// The field whose value (or element of whose value) this is; nullptr at the root and for
  /// values the schema does not describe.
  const schema::Field* field = nullptr;
  /// Set when the value is an object of a schema Type.
  const schema::Type* type = nullptr;
  /// The value is one element of `field`'s list or map rather than the container itself.
  bool element = false;

  static Shape Of(const schema::Type* type) { return Shape{nullptr, type, false}; }

  bool IsList() const { return field != nullptr && !element && field->is_list(); }
  bool IsMap() const { return field != nullptr && !element && field->is_map(); }
  /// A struct of known fields, as opposed to a map or a free-form object.
  bool IsStruct() const { return type != nullptr && !IsList() && !IsMap(); }
  bool known() const { return field != nullptr || type != nullptr; }

  /// The shape of member `key` when this value is an object.
  Shape Member(std::string_view key) const {
    if (IsMap()) return Element();
    if (IsStruct()) {
      const schema::Field* f = type->FindField(key);
      if (f == nullptr) return Shape{};
      bool container = f->container != schema::Container::kNone;
      return Shape{f, container ? nullptr : f->object, false};
    }
    return Shape{};
  }
  /// The shape of an element when this value is a list or map.
  Shape Element() const {
    if (!IsList() && !IsMap()) return Shape{};
    return Shape{field, field->object, true};
  }
  /// Whether `key` names a declared field of this struct (not a map key or an unknown field).
  bool IsNamedField(std::string_view key) const {
    return IsStruct() && type->FindField(key) != nullptr;
  }
};

}  // namespace mini::cluster::api::patch
