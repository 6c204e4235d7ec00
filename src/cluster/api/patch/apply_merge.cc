#include "cluster/api/patch/apply_merge.h"

#include <boost/json.hpp>
#include <vector>

#include "cluster/api/patch/list_items.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

json::value MergeMembers(json::object live, const json::object& applied, const Shape& shape) {
  for (const auto& member : applied) {
    if (member.value().is_null()) {
      live.erase(member.key());
      continue;
    }
    Shape child = shape.Member(std::string_view(member.key().data(), member.key().size()));
    auto it = live.find(member.key());
    if (it == live.end()) {
      // Built from empty so that nulls inside the new value are dropped too.
      const json::value& v = member.value();
      live[member.key()] = v.is_object() ? MergeApplied(json::object(), v, child) : v;
    } else {
      it->value() = MergeApplied(it->value(), member.value(), child);
    }
  }
  return live;
}

struct Item {
  const json::value* value;
  PathElement element;
};

std::vector<Item> Items(const json::array& list, const Shape& shape) {
  std::vector<Item> items;
  for (size_t i = 0; i < list.size(); ++i) {
    items.push_back(Item{&list[i], *ItemElement(shape, list[i], i, false)});
  }
  return items;
}

const Item* FindItem(const std::vector<Item>& items, const PathElement& element) {
  for (const Item& item : items) {
    if (item.element == element) return &item;
  }
  return nullptr;
}

// Walks both lists together: live-only items are emitted where they stand, applied items in
// applied order, and a shared item is emitted when the applied list reaches it.
json::value MergeItems(const json::array& live, const json::array& applied, const Shape& shape) {
  std::vector<Item> left = Items(live, shape);
  std::vector<Item> right = Items(applied, shape);
  std::vector<const PathElement*> shared;  // applied items the live list has, in applied order
  for (const Item& item : right) {
    if (FindItem(left, item.element) != nullptr) shared.push_back(&item.element);
  }
  size_t next_shared = 0;
  auto advance_shared = [&](const PathElement& emitted) {
    if (next_shared < shared.size() && *shared[next_shared] == emitted) ++next_shared;
  };
  std::vector<PathElement> done;
  auto is_done = [&done](const PathElement& e) {
    for (const PathElement& d : done) {
      if (d == e) return true;
    }
    return false;
  };
  Shape element = shape.Element();
  json::array out;
  size_t l = 0;
  size_t r = 0;
  while (l < left.size() || r < right.size()) {
    if (l < left.size() && r < right.size()) {
      if (left[l].element == right[r].element) {
        out.push_back(MergeApplied(*left[l].value, *right[r].value, element));
        done.push_back(right[r].element);
        advance_shared(right[r].element);
        ++l;
        ++r;
        continue;
      }
      bool in_applied = FindItem(right, left[l].element) != nullptr;
      if (in_applied && next_shared < shared.size() && !(*shared[next_shared] == left[l].element)) {
        ++l;  // a shared item the applied order places later
        continue;
      }
    }
    if (l < left.size()) {
      if (FindItem(right, left[l].element) == nullptr) {
        out.push_back(*left[l].value);
        ++l;
        continue;
      }
      if (is_done(left[l].element)) {
        ++l;
        continue;
      }
    }
    if (r < right.size()) {
      const Item* match = FindItem(left, right[r].element);
      json::value base = match != nullptr ? *match->value : json::value(json::object());
      out.push_back(match != nullptr || right[r].value->is_object()
                        ? MergeApplied(base, *right[r].value, element)
                        : *right[r].value);
      done.push_back(right[r].element);
      advance_shared(right[r].element);
      ++r;
    } else {
      ++l;  // unreachable with distinct keys; keeps duplicates from looping forever
    }
  }
  return out;
}

}  // namespace

json::value MergeApplied(const json::value& live, const json::value& applied, const Shape& shape) {
  if (shape.IsList()) {
    if (ModeOf(shape) == ItemMode::kAtomic || !live.is_array() || !applied.is_array()) {
      return applied;
    }
    return MergeItems(live.get_array(), applied.get_array(), shape);
  }
  const json::object* applied_object = applied.if_object();
  if (applied_object == nullptr) return applied;
  bool granular = shape.IsMap() ? !shape.field->map_atomic
                                : (shape.IsStruct() ? !shape.type->atomic : !shape.known());
  if (!granular) return applied;
  const json::object* live_object = live.if_object();
  return MergeMembers(live_object != nullptr ? *live_object : json::object(), *applied_object,
                      shape);
}

}  // namespace mini::cluster::api::patch
