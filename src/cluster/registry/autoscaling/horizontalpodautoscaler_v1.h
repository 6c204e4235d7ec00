// HorizontalPodAutoscalers served as autoscaling/v1, stored as v2 (v1_conversion.h). Kubernetes
// defaults, validates and prepares every version's object in one internal form; here v2 is that
// form: each step converts to v2, runs the v2 strategy and converts back, so both versions obey
// the same rules. Errors name v1's field where it has one (spec.targetCPUUtilizationPercentage);
// the rest keep their v2 path, as Kubernetes reports them. Table columns are v2's.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::autoscaling {

std::unique_ptr<Strategy> NewHorizontalPodAutoscalerV1Strategy();

}  // namespace mini::cluster::registry::autoscaling
