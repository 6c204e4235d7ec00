#include "cluster/scheduler/plugins/plugins.h"

namespace mini::cluster::scheduler::plugins {

std::vector<FilterPluginPtr> DefaultFilters() {
  std::vector<FilterPluginPtr> filters;
  filters.push_back(std::make_unique<NodeUnschedulable>());
  filters.push_back(std::make_unique<TaintToleration>());
  filters.push_back(std::make_unique<NodeAffinity>());
  filters.push_back(std::make_unique<NodePorts>());
  filters.push_back(std::make_unique<NodeResourcesFit>());
  return filters;
}

std::vector<ScorePluginPtr> DefaultScorers() {
  std::vector<ScorePluginPtr> scorers;
  scorers.push_back(std::make_unique<LeastAllocated>());
  return scorers;
}

}  // namespace mini::cluster::scheduler::plugins
