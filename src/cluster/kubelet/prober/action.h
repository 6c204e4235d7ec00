// What a probe or a lifecycle hook does, read from the pod spec: run a command in the
// container (exec), GET a URL (httpGet), open a TCP connection (tcpSocket) or wait (sleep, for
// hooks). Named ports resolve from the container's ports[].name. gRPC probes are not supported.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mini::cluster::kubelet::prober {

struct Action {
  enum class Kind { kExec, kHttpGet, kTcpSocket, kSleep };
  Kind kind = Kind::kExec;
  std::vector<std::string> command;  // exec
  std::string host;                  // httpGet, tcpSocket; empty: the pod's IP
  uint16_t port = 0;
  bool https = false;
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::seconds sleep{0};
};

/// A probe: its action and when and how often it runs, with Kubernetes' defaults.
struct ProbeSpec {
  Action action;
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
  std::optional<std::chrono::seconds> termination_grace;  // the probe's own, for liveness kills
};

/// `handler` holds exec, httpGet, tcpSocket or sleep; `container` names the ports.
/// kInvalidArgument for a handler without an action or with a port that does not resolve,
/// kUnimplemented for grpc.
Result<Action> ParseAction(const boost::json::object& handler,
                           const boost::json::object& container);
Result<ProbeSpec> ParseProbe(const boost::json::object& probe,
                             const boost::json::object& container);

}  // namespace mini::cluster::kubelet::prober
