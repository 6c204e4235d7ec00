#include "cluster/scheduler/algorithm.h"

#include <map>

#include "cluster/registry/printing.h"
#include "cluster/scheduler/fit_error.h"

namespace mini::cluster::scheduler {
namespace {

FilterStatus RunFilters(const PodInfo& pod, const NodeInfo& node,
                        const std::vector<FilterPluginPtr>& filters) {
  for (const FilterPluginPtr& filter : filters) {
    FilterStatus status = filter->Filter(pod, node);
    if (!status.ok()) {
      return status;
    }
  }
  return FilterStatus::Success();
}

}  // namespace

Decision Schedule(const PodInfo& pod, const std::vector<NodeInfo>& nodes,
                  const std::vector<FilterPluginPtr>& filters,
                  const std::vector<ScorePluginPtr>& scorers) {
  if (nodes.empty()) {
    return {"", kNoNodesAvailable};
  }
  std::map<std::string, FilterStatus> failed;
  const NodeInfo* best = nullptr;
  int64_t best_score = -1;
  for (const NodeInfo& node : nodes) {
    FilterStatus status = RunFilters(pod, node, filters);
    if (!status.ok()) {
      failed.emplace(node.name, std::move(status));
      continue;
    }
    int64_t score = 0;
    for (const ScorePluginPtr& scorer : scorers) {
      score += scorer->Score(pod, node);
    }
    if (best == nullptr || score > best_score || (score == best_score && node.name < best->name)) {
      best = &node;
      best_score = score;
    }
  }
  if (best != nullptr) {
    return {best->name, ""};
  }
  bool never = registry::StringAt(pod.pod, "spec.preemptionPolicy") == "Never";
  return {"", FitErrorMessage(nodes.size(), failed, never)};
}

}  // namespace mini::cluster::scheduler
