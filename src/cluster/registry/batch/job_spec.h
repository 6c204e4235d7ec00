// The rules a JobSpec follows wherever it appears: in a Job at "spec" and in a CronJob's job
// template at "spec.jobTemplate.spec" (upstream's validateJobSpec), plus the table cells both
// kinds print.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::batch {

/// Counts, completion mode, failure and success policies, the pod template, and a restartPolicy
/// of OnFailure or Never.
void ValidateJobSpec(const boost::json::object& spec, const std::string& path, FieldErrors& errors);

}  // namespace mini::cluster::registry::batch
