// The Node object the agent registers and keeps current: labels a real cluster puts on a
// node, capacity and allocatable from the machine (with Kubernetes' default eviction
// reserves taken off), addresses, nodeInfo, and the four conditions kubectl and the scheduler
// read, computed from measurements. Pure functions of their inputs.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>

#include "cluster/kubelet/machine_info.h"

namespace mini::cluster::kubelet {

struct NodeConfig {
  std::string name;
  std::string internal_ip;
  std::string pod_cidr = "10.244.0.0/24";
  int64_t max_pods = 110;
  std::string kubelet_version;  // what `kubectl get nodes` shows as VERSION
  std::string runtime_version;  // nodeInfo.containerRuntimeVersion, "<runtime>://<version>"
  int kubelet_port = 10250;
};

/// Whether the node can run pods now, and if not, why (the Ready condition's message).
struct RuntimeState {
  bool ready = false;
  std::string message;
};

/// The Node to create when none exists: metadata (labels, annotations) and spec.
boost::json::object NewNode(const NodeConfig& config);

/// status for the node now. A condition whose status did not change keeps its
/// lastTransitionTime from `previous` (the node's current status.conditions).
boost::json::object NodeStatus(const NodeConfig& config, const MachineInfo& machine,
                               const RuntimeState& runtime, const boost::json::array& previous,
                               std::chrono::system_clock::time_point now);

/// Whether two statuses differ in anything but heartbeat times, so unchanged statuses are
/// written only as often as a heartbeat is due.
bool StatusChanged(const boost::json::object& before, const boost::json::object& after);

}  // namespace mini::cluster::kubelet
