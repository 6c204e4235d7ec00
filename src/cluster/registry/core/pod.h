// Pods: the defaults and admission a real API server applies on create (status Pending with its
// QoS class, priority, service account), the narrow set of fields an update may change, and the
// READY / STATUS / RESTARTS columns of `kubectl get pods`.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewPodStrategy(const StrategyContext& context);

/// "Guaranteed", "Burstable" or "BestEffort" from the containers' cpu and memory requests and
/// limits, as the kubelet ranks pods for eviction.
std::string PodQosClass(const boost::json::object& spec);

/// The columns of `kubectl get pods` and one pod's cells.
std::vector<Column> PodColumns();
boost::json::array PodCells(const boost::json::object& pod,
                            std::chrono::system_clock::time_point now);

/// The STATUS column: the phase, or the reason the containers give (ContainerCreating,
/// CrashLoopBackOff, Completed, Init:0/1...), or Terminating.
std::string PodStatusReason(const boost::json::object& pod);

}  // namespace mini::cluster::registry::core
