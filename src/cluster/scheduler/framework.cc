#include "cluster/scheduler/framework.h"

#include <boost/json.hpp>

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
  std::vector<HostPortUse> ports = HostPortsOf(pod);
  node.used_ports.insert(node.used_ports.end(), ports.begin(), ports.end());
}

bool HostPortUse::ConflictsWith(const HostPortUse& other) const {
  if (port != other.port || protocol != other.protocol) return false;
  return ip == other.ip || ip == "0.0.0.0" || other.ip == "0.0.0.0";
}

std::vector<HostPortUse> HostPortsOf(const boost::json::object& pod) {
  std::vector<HostPortUse> out;
  const boost::json::object* spec = registry::ObjectAt(pod, "spec");
  const boost::json::value* containers = spec ? spec->if_contains("containers") : nullptr;
  if (containers == nullptr || !containers->is_array()) return out;
  for (const boost::json::value& container : containers->get_array()) {
    const boost::json::value* ports =
        container.is_object() ? container.get_object().if_contains("ports") : nullptr;
    if (ports == nullptr || !ports->is_array()) continue;
    for (const boost::json::value& item : ports->get_array()) {
      if (!item.is_object()) continue;
      const boost::json::value* port = item.get_object().if_contains("hostPort");
      if (port == nullptr || !(port->is_int64() || port->is_uint64())) continue;
      HostPortUse use;
      use.port = port->to_number<int64_t>();
      if (use.port <= 0) continue;
      use.ip = registry::StringAt(item.get_object(), "hostIP");
      if (use.ip.empty()) use.ip = "0.0.0.0";
      use.protocol = registry::StringAt(item.get_object(), "protocol");
      if (use.protocol.empty()) use.protocol = "TCP";
      out.push_back(std::move(use));
    }
  }
  return out;
}

}  // namespace mini::cluster::scheduler
