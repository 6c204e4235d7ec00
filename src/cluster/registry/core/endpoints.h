// Endpoints: addresses and ports as the endpoints controller writes them, and the ENDPOINTS
// column ("10.0.0.1:80,10.0.0.2:80 + 3 more...").
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewEndpointsStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
