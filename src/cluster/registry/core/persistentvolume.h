// PersistentVolumes: reclaim policy Retain and volume mode Filesystem by default, phase Pending on
// create, exactly one volume source that never changes, and the CAPACITY / CLAIM columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewPersistentVolumeStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
