// Which pods the scheduler acts on and which occupy a node, from their JSON.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace mini::cluster::scheduler {

inline constexpr const char* kSchedulerName = "default-scheduler";

/// "namespace/name", the queue's and the informer's key.
std::string PodKey(const boost::json::object& pod);
/// Succeeded or Failed: its containers are gone and it holds nothing on its node.
bool IsTerminal(const boost::json::object& pod);
/// Unbound, for this scheduler, not being deleted and not terminal: a pod to place.
bool NeedsScheduling(const boost::json::object& pod);
/// Bound and not terminal: it counts against its node's allocatable.
bool OccupiesNode(const boost::json::object& pod);

}  // namespace mini::cluster::scheduler
