#include "cluster/api/patch/list_order.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "cluster/api/patch/json_order.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

struct Item {
  json::value value;
  long server_index;  // position in server_order, -1 if new
  long patch_index;   // position in patch_order, -1 if the patch does not name it
};

long IndexOf(const json::array& list, const json::value* id, std::string_view merge_key) {
  if (id == nullptr) return -1;
  for (size_t i = 0; i < list.size(); ++i) {
    const json::value* other = ElementIdentity(list[i], merge_key);
    if (other != nullptr && JsonEqual(*id, *other)) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace

const json::value* ElementIdentity(const json::value& element, std::string_view merge_key) {
  if (merge_key.empty()) return &element;
  const json::object* object = element.if_object();
  return object != nullptr ? object->if_contains(merge_key) : nullptr;
}

json::array OrderMergedList(json::array merged, const json::array& server_order,
                            const json::array& patch_order, std::string_view merge_key) {
  std::vector<Item> patch_items;
  std::vector<Item> server_items;
  for (json::value& element : merged) {
    const json::value* id = ElementIdentity(element, merge_key);
    long server_index = IndexOf(server_order, id, merge_key);
    long patch_index = IndexOf(patch_order, id, merge_key);
    Item item{std::move(element), server_index, patch_index};
    (item.patch_index >= 0 ? patch_items : server_items).push_back(std::move(item));
  }
  std::stable_sort(patch_items.begin(), patch_items.end(),
                   [](const Item& a, const Item& b) { return a.patch_index < b.patch_index; });

  json::array out;
  out.reserve(patch_items.size() + server_items.size());
  size_t s = 0;
  size_t p = 0;
  while (s < server_items.size() || p < patch_items.size()) {
    bool take_server = p == patch_items.size();
    if (!take_server && s < server_items.size()) {
      // Only elements both lists know can be compared; otherwise the patch's run goes first.
      const Item& left = server_items[s];
      const Item& right = patch_items[p];
      take_server = left.server_index >= 0 && right.server_index >= 0 &&
                    left.server_index < right.server_index;
    }
    Item& next = take_server ? server_items[s++] : patch_items[p++];
    out.push_back(std::move(next.value));
  }
  return out;
}

}  // namespace mini::cluster::api::patch
