#include "cluster/registry/groups.h"
#include "cluster/registry/policy/poddisruptionbudget.h"

namespace mini::cluster::registry::policy {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "poddisruptionbudgets") return NewPodDisruptionBudgetStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::policy
