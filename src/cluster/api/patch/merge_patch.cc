#include "cluster/api/patch/merge_patch.h"

#include <boost/json.hpp>
#include <utility>

namespace mini::cluster::api::patch {
namespace json = boost::json;

json::value ApplyMergePatch(json::value target, const json::value& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = json::object();
  json::object& object = target.get_object();
  for (const auto& member : patch.get_object()) {
    if (member.value().is_null()) {
      object.erase(member.key());
      continue;
    }
    auto it = object.find(member.key());
    json::value base = it != object.end() ? std::move(it->value()) : json::value();
    object[member.key()] = ApplyMergePatch(std::move(base), member.value());
  }
  return target;
}

}  // namespace mini::cluster::api::patch
