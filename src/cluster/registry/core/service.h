// Services: defaults, validation, and the allocation of cluster IPs (10.96.0.0/12) and node
// ports (30000-32767) that must never be handed out twice, plus `kubectl get svc` columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewServiceStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
