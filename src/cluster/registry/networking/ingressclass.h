// IngressClasses: the parameters' scope defaults to Cluster, the controller is a domain-prefixed
// path that may not change, and CONTROLLER / PARAMETERS columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::networking {

std::unique_ptr<Strategy> NewIngressClassStrategy();

}  // namespace mini::cluster::registry::networking
