// CronJobs: concurrency and history defaults, a schedule and time zone the controller can use, a
// job template whose selector the server generates, and the SCHEDULE ... LAST SCHEDULE columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::batch {

std::unique_ptr<Strategy> NewCronJobStrategy();

}  // namespace mini::cluster::registry::batch
