// events.k8s.io/v1 Events, stored as core/v1 Events (event_conversion.h). The rules core/v1
// applies to every event are checked on the core form, with the field paths renamed back; on top
// of them the newer API is stricter, as in Kubernetes: a new event needs eventTime, a Normal or
// Warning type and none of the deprecated* fields, a series repeats at least twice, and an
// update may change only the series and metadata. Field selectors and Table columns are core's,
// under this API's field names.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::events {

std::unique_ptr<Strategy> NewEventStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::events
