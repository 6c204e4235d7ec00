// ServiceAccounts: nothing beyond the defaults but the SECRETS column.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewServiceAccountStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
