// ConfigMaps: valid keys, the 1 MiB size limit, immutability, and the DATA column.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewConfigMapStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
