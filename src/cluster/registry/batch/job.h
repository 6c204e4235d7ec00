// Jobs: completion and retry defaults, the selector and pod labels generated from the Job's uid,
// a restartPolicy of OnFailure or Never, a template that may not change once the Job runs, and
// the STATUS / COMPLETIONS / DURATION columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::batch {

std::unique_ptr<Strategy> NewJobStrategy();

}  // namespace mini::cluster::registry::batch
