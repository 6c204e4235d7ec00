// LimitRanges: container defaults filled from max and min as upstream does, and valid limit types.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewLimitRangeStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
