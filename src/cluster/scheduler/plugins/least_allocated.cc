#include "cluster/scheduler/plugins/plugins.h"

namespace mini::cluster::scheduler::plugins {
namespace {

// The share of `allocatable` left once `requested` is placed, scaled to 0..kMaxNodeScore.
int64_t Free(int64_t requested, int64_t allocatable) {
  if (allocatable <= 0 || requested > allocatable) {
    return 0;
  }
  return (allocatable - requested) * kMaxNodeScore / allocatable;
}

}  // namespace

int64_t LeastAllocated::Score(const PodInfo& pod, const NodeInfo& node) const {
  // cpu and memory weigh the same, as in Kubernetes' default configuration.
  int64_t cpu = Free(node.non_zero_requested.milli_cpu + pod.non_zero_requests.milli_cpu,
                     node.allocatable.milli_cpu);
  int64_t memory =
      Free(node.non_zero_requested.memory + pod.non_zero_requests.memory, node.allocatable.memory);
  return (cpu + memory) / 2;
}

}  // namespace mini::cluster::scheduler::plugins
