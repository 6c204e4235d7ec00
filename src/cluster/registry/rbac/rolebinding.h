// RoleBindings and ClusterRoleBindings: API groups defaulted for the role and the subjects, a
// role reference that may not change, valid subjects, and ROLE / USERS / GROUPS /
// SERVICEACCOUNTS columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::rbac {

/// `cluster`: a ClusterRoleBinding, which may only grant ClusterRoles.
std::unique_ptr<Strategy> NewRoleBindingStrategy(bool cluster);

}  // namespace mini::cluster::registry::rbac
