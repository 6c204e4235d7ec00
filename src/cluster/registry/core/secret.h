// Secrets: type Opaque by default, stringData folded into data, keys each type requires
// (tls.crt and tls.key for kubernetes.io/tls...), immutability, and the TYPE / DATA columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewSecretStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
