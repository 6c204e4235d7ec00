#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/printing.h"
#include "cluster/scheduler/plugins/plugins.h"
#include "cluster/scheduler/plugins/tolerations.h"

namespace mini::cluster::scheduler::plugins {

FilterStatus TaintToleration::Filter(const PodInfo& pod, const NodeInfo& node) const {
  const boost::json::object* spec = registry::ObjectAt(node.node, "spec");
  const boost::json::value* taints = spec != nullptr ? spec->if_contains("taints") : nullptr;
  if (taints == nullptr || !taints->is_array()) {
    return FilterStatus::Success();
  }
  for (const boost::json::value& value : taints->get_array()) {
    if (!value.is_object()) {
      continue;
    }
    const boost::json::object& taint = value.get_object();
    // PreferNoSchedule only steers scoring; it never keeps a pod off a node.
    std::string effect = registry::StringAt(taint, "effect");
    if (effect != "NoSchedule" && effect != "NoExecute") {
      continue;
    }
    if (!PodTolerates(pod.pod, taint)) {
      return {FilterStatus::Code::kUnschedulableAndUnresolvable,
              {fmt::format("node(s) had untolerated taint {{{}: {}}}",
                           registry::StringAt(taint, "key"), registry::StringAt(taint, "value"))}};
    }
  }
  return FilterStatus::Success();
}

}  // namespace mini::cluster::scheduler::plugins
