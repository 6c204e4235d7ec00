// The resource arithmetic of scheduling: what a pod asks for (its effective request, as
// Kubernetes computes it with init containers, sidecars and overhead) and what a node offers
// (status.allocatable), in the integer units the scheduler compares: millicores for cpu,
// whole units (bytes, counts) for everything else.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace mini::cluster::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  int64_t pods = 0;  // allowed pods, for a node's allocatable
  /// Extended resources ("example.com/gpu"), hugepages-*, attachable-volumes-*.
  std::map<std::string, int64_t> scalar;

  void Add(const Resources& other);
  /// Per resource, the larger of the two.
  void Max(const Resources& other);
  bool operator==(const Resources&) const = default;
};

/// Whether a resource name is counted among the scalar resources (domain-prefixed names,
/// hugepages, attachable volumes); unknown plain names are ignored, as Kubernetes does.
bool IsScalarResource(std::string_view name);

/// A ResourceList ({"cpu": "500m", "memory": "1Gi"}); unparseable quantities count as 0 (the
/// API server has validated them already).
Resources FromResourceList(const boost::json::object& list);

/// The pod's effective request: the sum over containers and sidecars (init containers with
/// restartPolicy Always), or the largest init-container phase when that is higher, plus
/// spec.overhead.
Resources PodRequests(const boost::json::object& pod);

/// As PodRequests, but a container without a cpu or memory request counts 100m / 200Mi, so
/// that scoring spreads pods that ask for nothing (Kubernetes' non-zero requests).
Resources NonZeroPodRequests(const boost::json::object& pod);

/// status.allocatable of a node.
Resources NodeAllocatable(const boost::json::object& node);

}  // namespace mini::cluster::scheduler
