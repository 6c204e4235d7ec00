#include "cluster/registry/groups.h"
#include "cluster/registry/rbac/role.h"
#include "cluster/registry/rbac/rolebinding.h"

namespace mini::cluster::registry::rbac {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "roles") return NewRoleStrategy(false);
  if (resource == "clusterroles") return NewRoleStrategy(true);
  if (resource == "rolebindings") return NewRoleBindingStrategy(false);
  if (resource == "clusterrolebindings") return NewRoleBindingStrategy(true);
  return nullptr;
}

}  // namespace mini::cluster::registry::rbac
