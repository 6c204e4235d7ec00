// autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2, the form objects of both versions
// are stored in. v1 has one metric, a CPU utilization target and its measure
// (spec.targetCPUUtilizationPercentage, status.currentCPUUtilizationPercentage); the rest of v2's
// spec and status travels in the annotations of v1_annotations.h, so an object read and written
// back through v1 keeps its other metrics, behavior and conditions. As in Kubernetes, a v1 object
// without any metric gets the 80% CPU target, and the CPU target comes back after the others.
#pragma once

#include <boost/json/object.hpp>
#include <memory>

#include "cluster/registry/converter.h"

namespace mini::cluster::registry::autoscaling {

/// The v2 form of a v1 autoscaler (reading and removing the round-trip annotations), and the v1
/// form of a v2 one (writing them, only those with content); apiVersion follows the form.
boost::json::object AutoscalerToV2(boost::json::object autoscaler);
boost::json::object AutoscalerFromV2(boost::json::object autoscaler);

/// Stores autoscaling/v1 HorizontalPodAutoscalers under autoscaling/v2's keys, in v2 form.
std::unique_ptr<Converter> NewAutoscalerV1Converter();

}  // namespace mini::cluster::registry::autoscaling
