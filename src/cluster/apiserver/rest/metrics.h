// The resource metrics API `kubectl top` reads (metrics.k8s.io/v1beta1 NodeMetrics and
// PodMetrics). Kubernetes serves it from metrics-server, which scrapes every kubelet; here
// each node attaches its stats source in-process, as it attaches its log source (pod_logs.h),
// and the API server answers from the registry's nodes and pods plus what their nodes measured.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/router.h"
#include "cluster/registry/registry.h"

namespace mini::cluster::apiserver::rest {

struct Usage {
  int64_t cpu_nanocores = 0;  // a rate: CPU time per second of the window, in 1e-9 cores
  int64_t memory_bytes = 0;   // the working set at the end of the window
};

/// One measurement: CPU averaged over `window`, which ends at `timestamp`.
struct Measured {
  std::chrono::system_clock::time_point timestamp;
  std::chrono::milliseconds window{0};
};

struct NodeUsage : Measured {
  Usage usage;
};

struct PodUsage : Measured {
  std::map<std::string, Usage> containers;  // by container name
};

class NodeStatsSource {
 public:
  virtual ~NodeStatsSource() = default;
  /// nullopt until the node has measured a first window.
  virtual std::optional<NodeUsage> Node() const = 0;
  /// The running containers of the pod with `uid` that have been measured over a window;
  /// nullopt when there are none yet.
  virtual std::optional<PodUsage> Pod(const std::string& uid) const = 0;
};

/// The stats sources of the cluster's nodes, by node name. Thread-safe.
class NodeStats {
 public:
  void Attach(const std::string& node, std::shared_ptr<NodeStatsSource> source);
  void Detach(const std::string& node);
  std::shared_ptr<NodeStatsSource> Find(const std::string& node) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<NodeStatsSource>> sources_;
};

inline constexpr char kMetricsGroup[] = "metrics.k8s.io";
inline constexpr char kMetricsVersion[] = "v1beta1";

/// The metrics resources (nodes, pods), for discovery; they have no storage.
std::vector<api::schema::Resource> MetricsResources();

/// Routes /apis/metrics.k8s.io/v1beta1/... to the metrics. `registry` must outlive the router.
void InstallMetrics(Router& router, registry::Registry& registry,
                    std::shared_ptr<const NodeStats> stats);

// The wire forms, as metrics-server writes them.

/// A canonical Kubernetes quantity of CPU: "12345n", "250m", "2".
std::string CpuQuantity(int64_t nanocores);
/// A canonical Kubernetes quantity of bytes: "1234Ki", "3Mi", or plain bytes.
std::string MemoryQuantity(int64_t bytes);
/// A Go duration, as metav1.Duration is written: "10.5s", "1m0.25s", "500ms".
std::string GoDuration(std::chrono::milliseconds duration);
/// NodeMetrics of `node` (a Node object).
boost::json::object NodeMetricsJson(const boost::json::object& node, const NodeUsage& usage);
/// PodMetrics of `pod` (a Pod object); containers in the order of the pod's spec.
boost::json::object PodMetricsJson(const boost::json::object& pod, const PodUsage& usage);

}  // namespace mini::cluster::apiserver::rest
