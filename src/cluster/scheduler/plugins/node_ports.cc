#include "cluster/scheduler/plugins/plugins.h"

namespace mini::cluster::scheduler::plugins {

FilterStatus NodePorts::Filter(const PodInfo& pod, const NodeInfo& node) const {
  for (const HostPortUse& wanted : HostPortsOf(pod.pod)) {
    for (const HostPortUse& used : node.used_ports) {
      // Unschedulable rather than unresolvable: evicting the pod holding the port frees it.
      if (wanted.ConflictsWith(used)) {
        return {FilterStatus::Code::kUnschedulable,
                {"node(s) didn't have free ports for the requested pod ports"}};
      }
    }
  }
  return FilterStatus::Success();
}

}  // namespace mini::cluster::scheduler::plugins
