// StatefulSets: ordered pod management and rolling-update defaults, claim template defaults, the
// selector/template rules, a spec that only some fields of may change, and READY "2/3".
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewStatefulSetStrategy();

}  // namespace mini::cluster::registry::apps
