#include "cluster/registry/coordination/lease.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::coordination {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "leases") return NewLeaseStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::coordination
