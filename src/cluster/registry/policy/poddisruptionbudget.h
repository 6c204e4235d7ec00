// PodDisruptionBudgets: minAvailable or maxUnavailable (not both) as a count or a percentage, a
// valid selector, and the MIN AVAILABLE / MAX UNAVAILABLE / ALLOWED DISRUPTIONS columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::policy {

std::unique_ptr<Strategy> NewPodDisruptionBudgetStrategy();

}  // namespace mini::cluster::registry::policy
