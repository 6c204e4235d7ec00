// DaemonSets: rolling-update defaults, the selector/template rules, an immutable selector, the
// template generation annotation a real cluster keeps, and DESIRED ... NODE SELECTOR columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewDaemonSetStrategy();

}  // namespace mini::cluster::registry::apps
