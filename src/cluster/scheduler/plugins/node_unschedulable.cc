#include <boost/json.hpp>

#include "cluster/scheduler/plugins/plugins.h"
#include "cluster/scheduler/plugins/tolerations.h"

namespace mini::cluster::scheduler::plugins {

FilterStatus NodeUnschedulable::Filter(const PodInfo& pod, const NodeInfo& node) const {
  const boost::json::value* spec = node.node.if_contains("spec");
  const boost::json::value* cordoned = spec != nullptr && spec->is_object()
                                           ? spec->get_object().if_contains("unschedulable")
                                           : nullptr;
  if (cordoned == nullptr || !cordoned->is_bool() || !cordoned->get_bool()) {
    return FilterStatus::Success();
  }
  // `kubectl cordon` is expressed as this taint for the purpose of tolerating it.
  static const boost::json::object kCordon{{"key", "node.kubernetes.io/unschedulable"},
                                           {"effect", "NoSchedule"}};
  if (PodTolerates(pod.pod, kCordon)) {
    return FilterStatus::Success();
  }
  return {FilterStatus::Code::kUnschedulableAndUnresolvable, {"node(s) were unschedulable"}};
}

}  // namespace mini::cluster::scheduler::plugins
