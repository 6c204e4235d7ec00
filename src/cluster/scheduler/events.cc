#include "cluster/scheduler/events.h"

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler {
namespace json = boost::json;
using registry::StringAt;

json::object MakeBinding(const json::object& pod, std::string_view node) {
  json::object metadata{{"name", StringAt(pod, "metadata.name")},
                        {"namespace", StringAt(pod, "metadata.namespace")}};
  // The uid makes the binding fail rather than land on a recreated pod of the same name.
  if (std::string uid = StringAt(pod, "metadata.uid"); !uid.empty()) {
    metadata["uid"] = uid;
  }
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Binding"},
                      {"metadata", std::move(metadata)},
                      {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
}

std::optional<json::object> UnschedulablePatch(const json::object& pod, std::string_view message,
                                               std::chrono::system_clock::time_point now) {
  json::array conditions;
  json::object scheduled{
      {"type", "PodScheduled"},    {"status", "False"},
      {"lastProbeTime", nullptr},  {"lastTransitionTime", api::meta::Rfc3339(now)},
      {"reason", "Unschedulable"}, {"message", message}};
  bool replaced = false;
  const json::object* status = registry::ObjectAt(pod, "status");
  const json::value* existing = status != nullptr ? status->if_contains("conditions") : nullptr;
  if (existing != nullptr && existing->is_array()) {
    for (const json::value& value : existing->get_array()) {
      if (!value.is_object() || StringAt(value.get_object(), "type") != "PodScheduled") {
        conditions.push_back(value);
        continue;
      }
      const json::object& old = value.get_object();
      if (StringAt(old, "status") == "False" && StringAt(old, "reason") == "Unschedulable" &&
          StringAt(old, "message") == message) {
        return std::nullopt;
      }
      // The transition time moves only when the status does.
      if (StringAt(old, "status") == "False" && old.contains("lastTransitionTime")) {
        scheduled["lastTransitionTime"] = old.at("lastTransitionTime");
      }
      conditions.push_back(scheduled);
      replaced = true;
    }
  }
  if (!replaced) {
    conditions.push_back(scheduled);
  }
  return json::object{{"status", {{"conditions", std::move(conditions)}}}};
}

}  // namespace mini::cluster::scheduler
