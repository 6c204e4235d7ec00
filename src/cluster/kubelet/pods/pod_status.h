// A pod's status as the kubelet reports it, from what the node observed: phase, the
// conditions kubectl shows (PodReadyToStartContainers, Initialized, ContainersReady, Ready,
// PodScheduled), each container's state/lastState/restartCount/ready/started, addresses,
// start time and QoS class. Pure, so every rule is tested without containers.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>

#include "cluster/runtime/containers/container_manager.h"

namespace mini::cluster::kubelet::pods {

struct ContainerObservation {
  std::string id;  // empty before the first start
  std::optional<runtime::containers::ContainerState> state;
  int restarts = 0;
  std::string waiting_reason;
  std::string waiting_message;
  std::string start_error;
  std::optional<boost::json::object> last_state;
  std::string termination_message;  // of the exited instance: its file, or its log's tail
  bool started = true;  // by the startup probe, if any; only meaningful while running
  bool ready = true;    // by the readiness probe, if any; only meaningful while running
};

struct PodObservation {
  bool sandbox_ready = false;
  std::string sandbox_error;
  std::string pod_ip;
  std::string host_ip;
  std::string start_time;
  std::map<std::string, ContainerObservation> containers;  // by name
};

boost::json::object ComputePodStatus(const boost::json::object& pod,
                                     const PodObservation& observed);

/// {"terminated": {...}} for an exited container, as state or lastState.
boost::json::object TerminatedState(const runtime::containers::ContainerState& state,
                                    const std::string& id, const std::string& start_error,
                                    const std::string& message = "");

/// Guaranteed, Burstable or BestEffort, by Kubernetes' rules over requests and limits.
std::string QosClass(const boost::json::object& pod);

}  // namespace mini::cluster::kubelet::pods
