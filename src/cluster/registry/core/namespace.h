// Namespaces: the kubernetes finalizer, phase Active and the kubernetes.io/metadata.name label
// every namespace carries, DNS-1123 label names, and the NAME / STATUS / AGE columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewNamespaceStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
