// PriorityClasses: preemption defaulted, values capped for user classes, reserved "system-"
// names, a value and preemption policy that may not change, and VALUE / GLOBAL-DEFAULT columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::scheduling {

/// `context` finds the class already marked as the global default: there may be only one.
std::unique_ptr<Strategy> NewPriorityClassStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::scheduling
