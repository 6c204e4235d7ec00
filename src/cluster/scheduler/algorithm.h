// One scheduling decision, free of the API: the nodes a pod may run on, ranked; or why none.
#pragma once

#include <string>
#include <vector>

#include "cluster/scheduler/framework.h"

namespace mini::cluster::scheduler {

struct Decision {
  std::string node;     // the chosen node; empty when none fits
  std::string message;  // why none fits, in Kubernetes' words
};

/// Runs the filters on every node (stopping at a node's first failing filter, as Kubernetes
/// does), then sums the scores of the feasible nodes and takes the highest, ties going to
/// the first name in order so the choice is reproducible.
Decision Schedule(const PodInfo& pod, const std::vector<NodeInfo>& nodes,
                  const std::vector<FilterPluginPtr>& filters,
                  const std::vector<ScorePluginPtr>& scorers);

}  // namespace mini::cluster::scheduler
