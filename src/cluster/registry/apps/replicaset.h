// ReplicaSets: one replica by default, the selector/template rules shared with Deployments, an
// immutable selector, status.replicas as a selectable field, DESIRED / CURRENT / READY columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewReplicaSetStrategy();

}  // namespace mini::cluster::registry::apps
