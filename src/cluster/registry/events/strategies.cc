#include "cluster/registry/events/event.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::events {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context) {
  if (resource == "events") return NewEventStrategy(context);
  return nullptr;
}

}  // namespace mini::cluster::registry::events
