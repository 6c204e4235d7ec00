// An autoscaler's metrics: their validation, as upstream's, and the TARGETS cell kubectl shows
// ("cpu: 45%/80%", "<unknown>/500m" while no value has been measured).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::autoscaling {

/// A CrossVersionObjectReference: kind and name required and usable in a URL path.
void ValidateObjectReference(const boost::json::object& reference, const std::string& path,
                             FieldErrors& errors);

/// spec.metrics; `min_replicas` (when set) 0 needs an Object or External metric.
void ValidateMetrics(const boost::json::array* metrics, const int64_t* min_replicas,
                     FieldErrors& errors);

/// The TARGETS cell: up to two metrics as "current/target", then "+ N more...".
std::string FormatTargets(const boost::json::object& autoscaler);

}  // namespace mini::cluster::registry::autoscaling
