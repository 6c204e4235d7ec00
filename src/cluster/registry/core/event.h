// core/v1 Events: namespace agreement with the involved object, the field selectors
// `kubectl get events --field-selector` uses, and the LAST SEEN / TYPE / REASON / OBJECT columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewEventStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
