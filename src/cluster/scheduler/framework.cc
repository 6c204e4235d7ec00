#include "cluster/scheduler/framework.h"

#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler {

PodInfo MakePodInfo(boost::json::object pod) {
  PodInfo info;
  info.requests = PodRequests(pod);
  info.non_zero_requests = NonZeroPodRequests(pod);
  info.pod = std::move(pod);
  return info;
}

NodeInfo MakeNodeInfo(boost::json::object node) {
  NodeInfo info;
  info.name = registry::StringAt(node, "metadata.name");
  info.allocatable = NodeAllocatable(node);
  info.node = std::move(node);
  return info;
}

void AddPod(NodeInfo& node, const boost::json::object& pod) {
  node.requested.Add(PodRequests(pod));
  node.non_zero_requested.Add(NonZeroPodRequests(pod));
  ++node.pod_count;
}

}  // namespace mini::cluster::scheduler
