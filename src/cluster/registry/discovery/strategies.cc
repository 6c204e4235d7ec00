#include "cluster/registry/discovery/endpointslice.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::discovery {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "endpointslices") return NewEndpointSliceStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::discovery
