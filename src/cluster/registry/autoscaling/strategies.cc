#include "cluster/registry/autoscaling/horizontalpodautoscaler.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::autoscaling {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "horizontalpodautoscalers") return NewHorizontalPodAutoscalerStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::autoscaling
