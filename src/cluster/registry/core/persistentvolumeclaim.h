// PersistentVolumeClaims: phase Pending on create, a storage request, a spec that only grows its
// request once bound, and the STATUS / VOLUME / CAPACITY columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewPersistentVolumeClaimStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
