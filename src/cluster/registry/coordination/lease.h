// Leases: positive durations, a non-negative transition count, coordinated election fields
// checked as upstream, and the HOLDER column.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::coordination {

std::unique_ptr<Strategy> NewLeaseStrategy();

}  // namespace mini::cluster::registry::coordination
