#include "cluster/api/patch/strategic_merge_patch.h"

#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_order.h"
#include "cluster/api/patch/list_order.h"
#include "cluster/api/patch/shape.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view Key(const json::key_value_pair& member) {
  return {member.key().data(), member.key().size()};
}

enum class Outcome { kKeep, kDelete };

Result<Outcome> MergeObject(json::object& original, const json::object& patch, const Shape& shape);

bool IsMergeList(const Shape& shape) { return shape.IsList() && shape.field->patch_merge; }

Status NoMergeKey(const json::object& element, std::string_view key) {
  return PatchNotApplicable("map: {} does not contain declared merge key: {}",
                            json::serialize(element), key);
}

// A list element's `$patch` directive, or "" when it has none.
Result<std::string_view> ElementDirective(const json::object& element) {
  const json::value* directive = element.if_contains(kPatch);
  if (directive == nullptr) return std::string_view();
  if (!directive->is_string()) {
    return MalformedPatch("$patch must be a string in {}", json::serialize(element));
  }
  return std::string_view(directive->get_string());
}

json::array MergePrimitiveList(const json::array& original, const json::array& patch) {
  json::array merged;
  auto add_unique = [&merged](const json::value& v) {
    for (const json::value& existing : merged) {
      if (JsonEqual(existing, v)) return;
    }
    merged.push_back(v);
  };
  for (const json::value& v : original) add_unique(v);
  for (const json::value& v : patch) add_unique(v);
  return OrderMergedList(std::move(merged), original, patch, "");
}

Result<json::value> NewElement(const json::object& patch, const Shape& shape) {
  json::object element;
  // Callers take `$patch` elements out first, so the outcome is always kKeep.
  MINI_RETURN_IF_ERROR(MergeObject(element, patch, shape).status());
  return json::value(std::move(element));
}

// Merges a patch list into a list whose field has patch_merge.
Result<json::array> MergeList(json::array original, const json::array& patch, const Shape& shape) {
  const std::string& key = shape.field->patch_merge_key;
  if (key.empty()) return MergePrimitiveList(original, patch);
  Shape element_shape = shape.Element();

  std::vector<const json::object*> elements;
  bool replace = false;
  for (const json::value& v : patch) {
    const json::object* element = v.if_object();
    if (element == nullptr) {
      return PatchNotApplicable("{}: element {} is not an object, but the list merges by {:?}",
                                shape.field->name, json::serialize(v), key);
    }
    MINI_ASSIGN_OR_RETURN(std::string_view directive, ElementDirective(*element));
    if (directive.empty()) {
      elements.push_back(element);
    } else if (directive == "delete") {
      const json::value* id = element->if_contains(key);
      if (id == nullptr) return NoMergeKey(*element, key);
      json::array kept;
      for (json::value& e : original) {
        const json::value* other = ElementIdentity(e, key);
        if (other == nullptr || !JsonEqual(*other, *id)) kept.push_back(std::move(e));
      }
      original = std::move(kept);
    } else if (directive == "replace") {
      replace = true;
    } else if (directive == "merge") {
      return MalformedPatch("merging lists cannot yet be specified in the patch");
    } else {
      return MalformedPatch("Unknown patch type: {} in list element: {}", directive,
                            json::serialize(*element));
    }
  }

  json::array merged;
  if (replace) {
    for (const json::object* element : elements) {
      MINI_ASSIGN_OR_RETURN(json::value v, NewElement(*element, element_shape));
      merged.push_back(std::move(v));
    }
    return merged;
  }
  merged = original;
  json::array patch_order;
  for (const json::object* element : elements) {
    const json::value* id = element->if_contains(key);
    if (id == nullptr) return NoMergeKey(*element, key);
    patch_order.push_back(json::object({{key, *id}}));
    json::value* match = nullptr;
    for (json::value& e : merged) {
      const json::value* other = ElementIdentity(e, key);
      if (other != nullptr && JsonEqual(*other, *id)) {
        match = &e;
        break;
      }
    }
    if (match == nullptr || !match->is_object()) {
      MINI_ASSIGN_OR_RETURN(json::value v, NewElement(*element, element_shape));
      if (match != nullptr) {
        *match = std::move(v);
      } else {
        merged.push_back(std::move(v));
      }
      continue;
    }
    MINI_RETURN_IF_ERROR(MergeObject(match->get_object(), *element, element_shape).status());
  }
  return OrderMergedList(std::move(merged), original, patch_order, key);
}

// The merged value of one member: nullopt when the member goes away.
Result<std::optional<json::value>> MergeValue(json::value* existing, const json::value& patch,
                                              const Shape& shape) {
  if (const json::object* patch_object = patch.if_object()) {
    json::object base;
    if (existing != nullptr && existing->is_object()) base = std::move(existing->get_object());
    MINI_ASSIGN_OR_RETURN(Outcome outcome, MergeObject(base, *patch_object, shape));
    if (outcome == Outcome::kDelete) return std::optional<json::value>();
    return std::optional<json::value>(std::move(base));
  }
  if (patch.is_array() && IsMergeList(shape)) {
    json::array base;
    if (existing != nullptr && existing->is_array()) base = std::move(existing->get_array());
    MINI_ASSIGN_OR_RETURN(json::array merged, MergeList(std::move(base), patch.get_array(), shape));
    return std::optional<json::value>(std::move(merged));
  }
  return std::optional<json::value>(patch);
}

Status ApplyRetainKeys(json::object& original, const json::object& patch) {
  const json::value* retain = patch.if_contains(kRetainKeys);
  if (retain == nullptr) return Status::Ok();
  std::set<std::string, std::less<>> keep;
  if (retain->is_array()) {
    for (const json::value& v : retain->get_array()) {
      if (!v.is_string()) {
        return MalformedPatch("invalid patch format of retainKeys: {} is not a string",
                              json::serialize(v));
      }
      keep.emplace(v.get_string());
    }
  } else {
    return MalformedPatch("invalid patch format of retainKeys: {} is not a list",
                          json::serialize(*retain));
  }
  for (const auto& member : patch) {
    std::string_view key = Key(member);
    if (member.value().is_null() || HasPrefix(key, "$") || keep.count(key) != 0) continue;
    return MalformedPatch("invalid patch format of retainKeys: {:?} is set but not retained", key);
  }
  std::vector<std::string> drop;
  for (const auto& member : original) {
    if (keep.count(Key(member)) == 0) drop.emplace_back(Key(member));
  }
  for (const std::string& key : drop) original.erase(key);
  return Status::Ok();
}

// Every patch element without a directive must appear in `order`, in the same relative order.
Status CheckElementOrder(const json::array& patch_list, const json::array& order,
                         std::string_view key, std::string_view name) {
  size_t o = 0;
  for (const json::value& element : patch_list) {
    if (const json::object* object = element.if_object()) {
      if (object->contains(kPatch)) continue;
      if (!key.empty() && !object->contains(key)) return NoMergeKey(*object, key);
    }
    const json::value* id = ElementIdentity(element, key);
    bool found = false;
    while (!found && o < order.size()) {
      const json::value* other = ElementIdentity(order[o++], key);
      found = id != nullptr && other != nullptr && JsonEqual(*id, *other);
    }
    if (!found) {
      return MalformedPatch(
          "invalid patch format of setElementOrder list: the order of {} {} does not match "
          "$setElementOrder/{} {}",
          name, json::serialize(patch_list), name, json::serialize(order));
    }
  }
  return Status::Ok();
}

// Handles `$setElementOrder/<list>` members: merges that list now and orders it. Returns the
// names of the lists it merged so the main loop leaves them alone.
Result<std::set<std::string, std::less<>>> ApplyElementOrders(json::object& original,
                                                              const json::object& patch,
                                                              const Shape& shape) {
  std::set<std::string, std::less<>> done;
  for (const auto& member : patch) {
    std::string_view key = Key(member);
    if (!HasPrefix(key, kSetElementOrder)) continue;
    std::string_view name = key.substr(kSetElementOrder.size());
    const json::array* order = member.value().if_array();
    if (order == nullptr) {
      return MalformedPatch("invalid patch format of setElementOrder list: {} is not a list", key);
    }
    Shape list_shape = shape.Member(name);
    if (!IsMergeList(list_shape)) continue;  // nothing to order by: the list is replaced
    const std::string& merge_key = list_shape.field->patch_merge_key;
    const json::value* patch_list = patch.if_contains(name);
    if (patch_list != nullptr && !patch_list->is_array() && !patch_list->is_null()) {
      return MalformedPatch("{} must be a list to go with {}", name, key);
    }
    if (patch_list != nullptr && patch_list->is_array()) {
      MINI_RETURN_IF_ERROR(CheckElementOrder(patch_list->get_array(), *order, merge_key, name));
    }
    json::value* live = original.if_contains(name);
    bool has_live = live != nullptr && live->is_array();
    bool has_patch = patch_list != nullptr && patch_list->is_array();
    if (!has_live && !has_patch) continue;
    json::array server = has_live ? live->get_array() : json::array();
    json::array merged = server;
    if (has_patch) {
      MINI_ASSIGN_OR_RETURN(merged,
                            MergeList(std::move(merged), patch_list->get_array(), list_shape));
    }
    original[name] = OrderMergedList(std::move(merged), server, *order, merge_key);
    done.emplace(name);
  }
  return done;
}

Status DeleteFromPrimitiveList(json::object& original, std::string_view name,
                               const json::value& values) {
  const json::array* remove = values.if_array();
  if (remove == nullptr) {
    return MalformedPatch(
        "invalid patch format of primitive list: $deleteFromPrimitiveList/{} "
        "is not a list",
        name);
  }
  json::value* live = original.if_contains(name);
  if (live == nullptr || !live->is_array()) return Status::Ok();
  json::array kept;
  for (json::value& v : live->get_array()) {
    bool doomed = false;
    for (const json::value& r : *remove) doomed = doomed || JsonEqual(v, r);
    if (!doomed) kept.push_back(std::move(v));
  }
  *live = std::move(kept);
  return Status::Ok();
}

Result<Outcome> MergeObject(json::object& original, const json::object& patch, const Shape& shape) {
  if (const json::value* directive = patch.if_contains(kPatch)) {
    std::string_view what = directive->is_string() ? std::string_view(directive->get_string()) : "";
    if (what == "delete") return Outcome::kDelete;
    if (what == "replace") {
      original.clear();
    } else if (what != "merge") {
      return MalformedPatch("Unknown patch type: {} in map: {}", json::serialize(*directive),
                            json::serialize(patch));
    }
  }
  MINI_RETURN_IF_ERROR(ApplyRetainKeys(original, patch));
  MINI_ASSIGN_OR_RETURN(auto ordered, ApplyElementOrders(original, patch, shape));

  for (const auto& member : patch) {
    std::string_view key = Key(member);
    if (HasPrefix(key, kDeleteFromPrimitiveList)) {
      MINI_RETURN_IF_ERROR(DeleteFromPrimitiveList(
          original, key.substr(kDeleteFromPrimitiveList.size()), member.value()));
      continue;
    }
    if (key == kPatch || key == kRetainKeys || HasPrefix(key, kSetElementOrder) ||
        ordered.count(key) != 0) {
      continue;
    }
    if (member.value().is_null()) {
      original.erase(key);
      continue;
    }
    json::value* existing = original.if_contains(key);
    MINI_ASSIGN_OR_RETURN(std::optional<json::value> merged,
                          MergeValue(existing, member.value(), shape.Member(key)));
    if (merged.has_value()) {
      original[key] = std::move(*merged);
    } else {
      original.erase(key);
    }
  }
  return Outcome::kKeep;
}

}  // namespace

Result<json::value> ApplyStrategicMergePatch(json::value original, const json::value& patch,
                                             const schema::Type* type) {
  const json::object* patch_object = patch.if_object();
  if (patch_object == nullptr) {
    return MalformedPatch("a strategic merge patch must be a JSON object, not {}",
                          json::serialize(patch));
  }
  json::object object;
  if (original.is_object()) object = std::move(original.get_object());
  MINI_ASSIGN_OR_RETURN(Outcome outcome, MergeObject(object, *patch_object, Shape::Of(type)));
  if (outcome == Outcome::kDelete) return json::value(json::object());
  return json::value(std::move(object));
}

}  // namespace mini::cluster::api::patch
