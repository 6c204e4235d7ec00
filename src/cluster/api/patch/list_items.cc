#include "cluster/api/patch/list_items.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "cluster/api/patch/errors.h"
#include "common/json.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

std::optional<json::value> KeyDefault(const Shape& list, const std::string& name) {
  if (list.field->object == nullptr) return std::nullopt;
  const schema::Field* key_field = list.field->object->FindField(name);
  if (key_field == nullptr || !key_field->default_json.has_value()) return std::nullopt;
  auto parsed = ParseJson(*key_field->default_json, "schema default");
  if (!parsed.ok()) return std::nullopt;
  return std::move(*parsed);
}

}  // namespace

ItemMode ModeOf(const Shape& list) {
  const schema::Field& f = *list.field;
  if (f.list_type == schema::ListType::kMap && !f.list_keys.empty()) return ItemMode::kKeyed;
  if (f.list_type == schema::ListType::kSet) return ItemMode::kSet;
  return ItemMode::kAtomic;
}

Result<PathElement> ItemElement(const Shape& list, const json::value& item, size_t index,
                                bool strict) {
  ItemMode mode = ModeOf(list);
  if (mode == ItemMode::kSet) return PathElement::Value(item);
  const json::object* object = item.if_object();
  if (mode == ItemMode::kAtomic || object == nullptr) {
    if (strict && mode == ItemMode::kKeyed) {
      return PatchNotApplicable(".{}: element {} of a keyed list must be an object",
                                list.field->name, index);
    }
    return PathElement::Index(static_cast<int64_t>(index));
  }
  json::object key;
  for (const std::string& name : list.field->list_keys) {
    const json::value* v = object->if_contains(name);
    std::optional<json::value> fallback;
    if (v == nullptr && (fallback = KeyDefault(list, name)).has_value()) v = &*fallback;
    if (v == nullptr) {
      if (!strict) return PathElement::Index(static_cast<int64_t>(index));
      return PatchNotApplicable(
          ".{}: associative list with keys has an element that omits key field {:?} (and "
          "doesn't have default value)",
          list.field->name, name);
    }
    key[name] = *v;
  }
  return PathElement::Key(key);
}

}  // namespace mini::cluster::api::patch
