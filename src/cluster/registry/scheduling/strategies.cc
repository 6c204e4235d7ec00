#include "cluster/registry/groups.h"
#include "cluster/registry/scheduling/priorityclass.h"

namespace mini::cluster::registry::scheduling {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context) {
  if (resource == "priorityclasses") return NewPriorityClassStrategy(context);
  return nullptr;
}

}  // namespace mini::cluster::registry::scheduling
