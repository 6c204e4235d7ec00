// Deployments: replica and rollout defaults, the selector/template rules, an immutable selector,
// and the READY / UP-TO-DATE / AVAILABLE columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewDeploymentStrategy();

}  // namespace mini::cluster::registry::apps
