// HorizontalPodAutoscalers (autoscaling/v2): one replica minimum and an 80% CPU target by default,
// scaling behavior filled in as upstream, metrics and replica bounds checked, and the REFERENCE /
// TARGETS / MINPODS / MAXPODS / REPLICAS columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::autoscaling {

std::unique_ptr<Strategy> NewHorizontalPodAutoscalerStrategy();

}  // namespace mini::cluster::registry::autoscaling
