// Nodes: status is accepted on create (the kubelet registers with it), taints and pod CIDRs
// are checked, and STATUS shows Ready/NotReady/Unknown plus SchedulingDisabled.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewNodeStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
