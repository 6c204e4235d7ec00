// The plugin seam of the scheduler, after Kubernetes' scheduling framework: a pod is checked
// against each node by the filter plugins in order, and the nodes that pass are ranked by the
// score plugins. Plugins see plain snapshots and keep no state, so one instance serves every
// scheduling cycle.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/scheduler/resources.h"

namespace mini::cluster::scheduler {

/// The pod being scheduled, with what plugins would otherwise recompute per node.
struct PodInfo {
  boost::json::object pod;
  Resources requests;           // the effective request
  Resources non_zero_requests;  // the same with scoring's defaults for missing cpu/memory
};
PodInfo MakePodInfo(boost::json::object pod);

/// A node port a container asks for (containers[].ports[].hostPort), with Kubernetes'
/// defaults filled in: hostIP "0.0.0.0" (every address), protocol "TCP".
struct HostPortUse {
  std::string ip;
  std::string protocol;
  int64_t port = 0;
  /// Whether two uses need the same port of the node.
  bool ConflictsWith(const HostPortUse& other) const;
};
std::vector<HostPortUse> HostPortsOf(const boost::json::object& pod);

/// A node with the pods already bound or assumed to it.
struct NodeInfo {
  boost::json::object node;
  std::string name;
  Resources allocatable;
  Resources requested;           // sum of the pods' effective requests
  Resources non_zero_requested;  // the same with scoring's defaults
  int64_t pod_count = 0;
  std::vector<HostPortUse> used_ports;  // the hostPorts of those pods
};
NodeInfo MakeNodeInfo(boost::json::object node);
/// Counts `pod` as running on `node`.
void AddPod(NodeInfo& node, const boost::json::object& pod);

/// The verdict of a filter on one node.
struct FilterStatus {
  enum class Code {
    kSuccess,
    kUnschedulable,                 // another pod's removal (preemption) could help
    kUnschedulableAndUnresolvable,  // nothing but a change of the node or pod helps
  };
  Code code = Code::kSuccess;
  /// Short reasons as the FailedScheduling message lists them ("Insufficient cpu").
  std::vector<std::string> reasons;

  static FilterStatus Success() { return {}; }
  bool ok() const { return code == Code::kSuccess; }
};

class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  FilterPlugin() = default;
  FilterPlugin(const FilterPlugin&) = delete;
  FilterPlugin& operator=(const FilterPlugin&) = delete;

  /// The plugin's name in Kubernetes ("NodeResourcesFit").
  virtual std::string_view Name() const = 0;
  /// Whether `pod` may run on `node`. Pure: no side effects, safe from any thread.
  virtual FilterStatus Filter(const PodInfo& pod, const NodeInfo& node) const = 0;
};
using FilterPluginPtr = std::unique_ptr<FilterPlugin>;

class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  ScorePlugin() = default;
  ScorePlugin(const ScorePlugin&) = delete;
  ScorePlugin& operator=(const ScorePlugin&) = delete;

  virtual std::string_view Name() const = 0;
  /// How much `node` suits `pod`, from 0 to kMaxNodeScore; called only for feasible nodes.
  virtual int64_t Score(const PodInfo& pod, const NodeInfo& node) const = 0;
};
using ScorePluginPtr = std::unique_ptr<ScorePlugin>;

inline constexpr int64_t kMaxNodeScore = 100;

}  // namespace mini::cluster::scheduler
