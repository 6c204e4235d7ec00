#include "cluster/registry/groups.h"

namespace mini::cluster::registry::batch {

std::unique_ptr<Strategy> NewStrategy(const std::string&, const StrategyContext&) {
  return nullptr;
}

}  // namespace mini::cluster::registry::batch
