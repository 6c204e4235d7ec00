// NetworkPolicies: policy types and port protocols defaulted as upstream, ports, peers and IP
// blocks checked, and the POD-SELECTOR column.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::networking {

std::unique_ptr<Strategy> NewNetworkPolicyStrategy();

}  // namespace mini::cluster::registry::networking
