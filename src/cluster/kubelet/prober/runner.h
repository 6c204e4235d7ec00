// Runs probe and hook actions against one container: the seam the prober and the pod worker
// use, so their logic is tested with a fake. NodeActionRunner is the real one: exec through
// the container runtime, HTTP(S) GET and TCP connect to the pod's address.
#pragma once

#include <chrono>
#include <string>

#include "cluster/kubelet/prober/action.h"
#include "cluster/runtime/containers/container_manager.h"

namespace mini::cluster::kubelet::prober {

struct ActionTarget {
  std::string container_id;
  std::string pod_ip;  // the host of httpGet and tcpSocket actions that name none
};

struct ActionResult {
  bool success = false;
  std::string message;  // why it failed: output, status, connection error
};

class ActionRunner {
 public:
  virtual ~ActionRunner() = default;
  /// Blocks for at most about `timeout` (a sleep action takes its own time, up to it).
  virtual ActionResult Run(const Action& action, const ActionTarget& target,
                           std::chrono::milliseconds timeout) = 0;
};

class NodeActionRunner final : public ActionRunner {
 public:
  explicit NodeActionRunner(runtime::containers::ContainerManager& containers)
      : containers_(containers) {}
  ActionResult Run(const Action& action, const ActionTarget& target,
                   std::chrono::milliseconds timeout) override;

 private:
  runtime::containers::ContainerManager& containers_;
};

/// GET (scheme)://host:port/path with the headers; success for statuses 200-399. HTTPS does not
/// verify the server, as the kubelet's probes do not.
ActionResult HttpGet(const Action& action, const std::string& host,
                     std::chrono::milliseconds timeout);
/// Success when a TCP connection to host:port opens within the timeout.
ActionResult TcpConnect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

}  // namespace mini::cluster::kubelet::prober
