// PodTemplates: a defaulted, validated pod template, and the CONTAINERS / IMAGES / POD LABELS
// columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewPodTemplateStrategy(const StrategyContext& context);

}  // namespace mini::cluster::registry::core
