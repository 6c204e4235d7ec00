// ReplicationControllers: one replica and a selector taken from the template labels by default, a
// template the selector matches, and the DESIRED / CURRENT / READY columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewReplicationControllerStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
