// HorizontalPodAutoscalers (autoscaling/v2): one replica minimum and an 80% CPU target by default,
// scaling behavior filled in as upstream, metrics and replica bounds checked, and the REFERENCE /
// TARGETS / MINPODS / MAXPODS / REPLICAS columns. The annotations autoscaling/v1 carries v2 fields
// in are dropped, as Kubernetes does, since a v2 object has the fields themselves.
#pragma once

#include <cstdint>
#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::autoscaling {

/// The average CPU utilization (percent) an autoscaler targets when it names no metric.
inline constexpr int64_t kDefaultCpuUtilization = 80;

std::unique_ptr<Strategy> NewHorizontalPodAutoscalerStrategy();

}  // namespace mini::cluster::registry::autoscaling
