// Roles and ClusterRoles: names that only need to fit in a URL path, rules that name verbs and
// what they apply to, and a ClusterRole's aggregation selectors. `kubectl get` prints them with
// the default NAME / CREATED AT columns, as upstream has no printer for them.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::rbac {

/// `cluster`: a ClusterRole, whose rules may name non-resource URLs.
std::unique_ptr<Strategy> NewRoleStrategy(bool cluster);

}  // namespace mini::cluster::registry::rbac
