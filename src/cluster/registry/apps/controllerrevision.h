// ControllerRevisions: snapshots whose data is required and may never change, printed with the
// controller that owns them ("statefulset.apps/web") and their revision number.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewControllerRevisionStrategy();

}  // namespace mini::cluster::registry::apps
