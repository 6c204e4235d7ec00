// The filter and score plugins mini's single node needs, named as in Kubernetes' default
// profile, and the one list that says which run and in what order.
#pragma once

#include <vector>

#include "cluster/scheduler/framework.h"

namespace mini::cluster::scheduler::plugins {

/// A cordoned node (spec.unschedulable) takes only pods tolerating
/// node.kubernetes.io/unschedulable:NoSchedule.
class NodeUnschedulable final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeUnschedulable"; }
  FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const override;
};

/// Every NoSchedule and NoExecute taint of the node needs a toleration.
class TaintToleration final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "TaintToleration"; }
  FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const override;
};

/// spec.nodeSelector and the required node affinity must both match the node.
class NodeAffinity final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeAffinity"; }
  FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const override;
};

/// The pod's hostPorts must be free on the node: no pod there uses the same port and
/// protocol on an overlapping address.
class NodePorts final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodePorts"; }
  FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const override;
};

/// The pod's effective request must fit in what the node's pods leave of its allocatable.
class NodeResourcesFit final : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesFit"; }
  FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const override;
};

/// Prefers the node with the most cpu and memory left after placing the pod.
class LeastAllocated final : public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesFit"; }
  int64_t Score(const PodInfo& pod, const NodeInfo& node) const override;
};

/// Filters in the order Kubernetes' default profile runs them: the first that fails decides
/// a node's reasons.
std::vector<FilterPluginPtr> DefaultFilters();
std::vector<ScorePluginPtr> DefaultScorers();

}  // namespace mini::cluster::scheduler::plugins
