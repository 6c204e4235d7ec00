// ResourceQuotas: quota resource names and quantities, fixed scopes, and the REQUEST / LIMIT
// columns built from status.hard and status.used.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewResourceQuotaStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
