#include "cluster/scheduler/plugins/node_selector.h"
#include "cluster/scheduler/plugins/plugins.h"

namespace mini::cluster::scheduler::plugins {

FilterStatus NodeAffinity::Filter(const PodInfo& pod, const NodeInfo& node) const {
  if (PodMatchesNode(pod.pod, node.node)) {
    return FilterStatus::Success();
  }
  return {FilterStatus::Code::kUnschedulableAndUnresolvable,
          {"node(s) didn't match Pod's node affinity/selector"}};
}

}  // namespace mini::cluster::scheduler::plugins
