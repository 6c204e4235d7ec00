#include "cluster/api/patch/object_fields.h"

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_order.h"
#include "cluster/api/patch/list_items.h"
#include "cluster/api/patch/shape.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;
using schema::Container;

namespace {

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

bool IsEmptyObject(const json::value& v) { return v.is_object() && v.get_object().empty(); }

class FieldsWalker {
 public:
  explicit FieldsWalker(bool strict) : strict_(strict) {}

  void Walk(const json::value& v, const Shape& shape) {
    if (!status_.ok()) return;
    if (shape.IsList()) return WalkList(v, shape);
    const json::object* object = v.if_object();
    if (shape.IsMap()) {
      if (object == nullptr || shape.field->map_atomic) return Member();
      Shape element = shape.Element();
      for (const auto& member : *object) {
        path_.push_back(PathElement::Field(std::string(View(member.key()))));
        Walk(member.value(), element);
        Member();
        path_.pop_back();
      }
      return;
    }
    if (object != nullptr && (shape.IsStruct() || !shape.known())) {
      if (shape.IsStruct() && shape.type->atomic) return Member();
      return WalkMembers(*object, shape);
    }
    Member();
  }

  Status status() const { return status_; }
  FieldSet Take() { return std::move(set_); }

 private:
  void Member() {
    if (!path_.empty()) set_.Insert(path_);
  }

  void WalkMembers(const json::object& object, const Shape& shape) {
    for (const auto& member : object) {
      std::string_view key = View(member.key());
      path_.push_back(PathElement::Field(std::string(key)));
      Walk(member.value(), shape.Member(key));
      const json::value& v = member.value();
      if (v.is_null() || IsEmptyObject(v) || !shape.IsNamedField(key)) Member();
      path_.pop_back();
    }
  }

  void WalkList(const json::value& v, const Shape& shape) {
    const json::array* array = v.if_array();
    ItemMode mode = ModeOf(shape);
    if (array == nullptr || mode == ItemMode::kAtomic) return Member();
    Shape element = shape.Element();
    std::vector<PathElement> seen;
    for (size_t i = 0; i < array->size() && status_.ok(); ++i) {
      auto pe = ItemElement(shape, (*array)[i], i, strict_);
      if (!pe.ok()) {
        status_ = pe.status();
        return;
      }
      for (const PathElement& other : seen) {
        if (strict_ && other == *pe) {
          status_ = PatchNotApplicable(".{}: duplicate entries for key {}", shape.field->name,
                                       pe->String());
          return;
        }
      }
      seen.push_back(*pe);
      path_.push_back(std::move(*pe));
      Member();
      const json::object* item = (*array)[i].if_object();
      if (mode == ItemMode::kKeyed && item != nullptr) WalkMembers(*item, element);
      path_.pop_back();
    }
  }

  bool strict_;
  Status status_;
  FieldSet set_;
  FieldPath path_;
};

FieldSet EnsureNamed(const FieldSet& set, const Shape& shape) {
  FieldSet out;
  for (const FieldSet::Entry& entry : set.entries()) {
    bool field = entry.element.kind() == PathElement::Kind::kField;
    Shape child = field ? shape.Member(entry.element.field()) : shape.Element();
    FieldSet::Entry& copy = out.Child(entry.element);
    copy.member = entry.member || (field && shape.IsNamedField(entry.element.field()));
    copy.children = EnsureNamed(entry.children, child);
  }
  return out;
}

void Remove(json::value& v, const FieldSet& set, const Shape& shape) {
  if (json::object* object = v.if_object()) {
    for (const FieldSet::Entry& entry : set.entries()) {
      if (entry.element.kind() != PathElement::Kind::kField) continue;
      auto it = object->find(entry.element.field());
      if (it == object->end()) continue;
      if (entry.member) {
        object->erase(it);
      } else {
        Remove(it->value(), entry.children, shape.Member(entry.element.field()));
      }
    }
    return;
  }
  json::array* array = v.if_array();
  if (array == nullptr || !shape.IsList()) return;
  for (const FieldSet::Entry& entry : set.entries()) {
    for (size_t i = array->size(); i-- > 0;) {
      auto pe = ItemElement(shape, (*array)[i], i, false);
      if (!(*pe == entry.element)) continue;
      if (entry.member) {
        array->erase(array->begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        Remove((*array)[i], entry.children, shape.Element());
      }
    }
  }
}

// Kubernetes' Go types always serialize these, so an update never "adds" them.
bool AlwaysPresent(const Shape& child) {
  const schema::Field* f = child.field;
  if (f == nullptr) return false;
  if (f->container == Container::kNone) return f->scalar == schema::Scalar::kObject && !f->pointer;
  return f->required || f->emit_zero;
}

const json::value& ImplicitValue(const Shape& child) {
  static const json::value kEmptyObject = json::object();
  static const json::value kEmptyArray = json::array();
  return child.field->is_list() ? kEmptyArray : kEmptyObject;
}

bool EmptyOrAbsent(const json::value* v) {
  if (v == nullptr || v->is_null()) return true;
  if (const json::object* o = v->if_object()) return o->empty();
  if (const json::array* a = v->if_array()) return a->empty();
  return false;
}

int KindClass(const json::value& v) { return v.is_object() ? 0 : (v.is_array() ? 1 : 2); }

class Comparer {
 public:
  void Compare(const json::value* l, const json::value* r, const Shape& shape) {
    // Null is how Go writes an unset field (a zero metav1.Time): the same as absent.
    if (l != nullptr && l->is_null()) l = nullptr;
    if (r != nullptr && r->is_null()) r = nullptr;
    if (l == nullptr && r == nullptr) return;
    if (IsLeaf(l, r, shape)) {
      if (path_.empty()) return;
      if (l == nullptr) {
        out_.added.Insert(path_);
      } else if (r == nullptr) {
        out_.removed.Insert(path_);
      } else if (!JsonEqual(*l, *r)) {
        out_.modified.Insert(path_);
      }
      return;
    }
    const json::value& any = r != nullptr ? *r : *l;
    if (any.is_array()) {
      CompareItems(l, r, shape);
    } else {
      CompareMembers(l != nullptr ? l->if_object() : nullptr,
                     r != nullptr ? r->if_object() : nullptr, shape);
    }
    if (path_.empty()) return;
    if (l == nullptr) out_.added.Insert(path_);
    if (r == nullptr) out_.removed.Insert(path_);
  }

  FieldChanges Take() { return std::move(out_); }

 private:
  static bool IsLeaf(const json::value* l, const json::value* r, const Shape& shape) {
    if (l != nullptr && r != nullptr && KindClass(*l) != KindClass(*r)) return true;
    const json::value& any = r != nullptr ? *r : *l;
    if (any.is_array()) {
      if (!shape.IsList() || ModeOf(shape) == ItemMode::kAtomic) return true;
    } else if (any.is_object()) {
      if (shape.IsMap() && shape.field->map_atomic) return true;
      if (shape.IsStruct() && shape.type->atomic) return true;
      if (shape.known() && !shape.IsMap() && !shape.IsStruct()) return true;  // free-form
    } else {
      return true;
    }
    return EmptyOrAbsent(l) && EmptyOrAbsent(r);
  }

  void CompareMembers(const json::object* l, const json::object* r, const Shape& shape) {
    auto visit = [&](std::string_view key) {
      Shape child = shape.Member(key);
      const json::value* lv = l != nullptr ? l->if_contains(key) : nullptr;
      const json::value* rv = r != nullptr ? r->if_contains(key) : nullptr;
      if (shape.IsStruct() && AlwaysPresent(child)) {
        if (l != nullptr && lv == nullptr) lv = &ImplicitValue(child);
        if (r != nullptr && rv == nullptr) rv = &ImplicitValue(child);
      }
      path_.push_back(PathElement::Field(std::string(key)));
      Compare(lv, rv, child);
      path_.pop_back();
    };
    if (l != nullptr) {
      for (const auto& member : *l) visit(View(member.key()));
    }
    if (r != nullptr) {
      for (const auto& member : *r) {
        if (l == nullptr || !l->contains(member.key())) visit(View(member.key()));
      }
    }
  }

  void CompareItems(const json::value* l, const json::value* r, const Shape& shape) {
    static const json::array kNone;
    const json::array& la = l != nullptr && l->is_array() ? l->get_array() : kNone;
    const json::array& ra = r != nullptr && r->is_array() ? r->get_array() : kNone;
    std::vector<PathElement> right;
    for (size_t i = 0; i < ra.size(); ++i) right.push_back(*ItemElement(shape, ra[i], i, false));
    std::vector<bool> matched(ra.size(), false);
    Shape element = shape.Element();
    for (size_t i = 0; i < la.size(); ++i) {
      PathElement pe = *ItemElement(shape, la[i], i, false);
      const json::value* other = nullptr;
      for (size_t j = 0; j < right.size() && other == nullptr; ++j) {
        if (!matched[j] && right[j] == pe) {
          matched[j] = true;
          other = &ra[j];
        }
      }
      path_.push_back(std::move(pe));
      Compare(&la[i], other, element);
      path_.pop_back();
    }
    for (size_t j = 0; j < ra.size(); ++j) {
      if (matched[j]) continue;
      path_.push_back(right[j]);
      Compare(nullptr, &ra[j], element);
      path_.pop_back();
    }
  }

  FieldChanges out_;
  FieldPath path_;
};

}  // namespace

Result<FieldSet> FieldsOf(const json::value& object, const schema::Type* type) {
  FieldsWalker walker(true);
  walker.Walk(object, Shape::Of(type));
  MINI_RETURN_IF_ERROR(walker.status());
  return walker.Take();
}

FieldSet FieldsOfLenient(const json::value& object, const schema::Type* type) {
  FieldsWalker walker(false);
  walker.Walk(object, Shape::Of(type));
  return walker.Take();
}

FieldSet WithNamedFieldsAsMembers(const FieldSet& set, const schema::Type* type) {
  return EnsureNamed(set, Shape::Of(type));
}

void RemoveFields(json::value& object, const FieldSet& set, const schema::Type* type) {
  Remove(object, set, Shape::Of(type));
}

FieldChanges CompareObjects(const json::value& before, const json::value& after,
                            const schema::Type* type) {
  Comparer comparer;
  comparer.Compare(&before, &after, Shape::Of(type));
  return comparer.Take();
}

}  // namespace mini::cluster::api::patch
