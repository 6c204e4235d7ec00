// The text of a scheduling failure, as Kubernetes words it in the FailedScheduling event and
// the PodScheduled condition, so `kubectl describe pod` reads the same on mini.
#pragma once

#include <map>
#include <string>

#include "cluster/scheduler/framework.h"

namespace mini::cluster::scheduler {

inline constexpr const char* kNoNodesAvailable = "no nodes available to schedule pods";

/// "0/N nodes are available: <count> <reason>, ... preemption: 0/N nodes are available:
/// <count> <verdict>." from each node's failed filter status (node name -> status). Reasons
/// are counted over nodes and sorted as text. Preemption is not implemented; its verdict is
/// what Kubernetes' would be without lower-priority pods to evict: nodes failing only
/// resolvable filters find no victims, the rest are not helped.
/// `preempt_never` gives preemptionPolicy Never's verdict instead.
std::string FitErrorMessage(size_t num_nodes, const std::map<std::string, FilterStatus>& failed,
                            bool preempt_never);

}  // namespace mini::cluster::scheduler
