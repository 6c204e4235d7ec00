// Named health checks behind /healthz, /livez and /readyz, in Kubernetes' format, so each
// component (datastore, informers' sync, shutdown) adds its own check as it lands.
//
// /livez runs the liveness checks; /readyz and /healthz run liveness and readiness checks.
// Plain GET answers "ok"; `?verbose` lists every check as "[+]name ok"; `?exclude=name` skips
// a check; /readyz/<name> runs one. Any failure answers 500 with the list and the reasons.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/apiserver/router.h"
#include "common/status.h"

namespace mini::cluster::apiserver {

enum class Probe {
  kLiveness,   // failing means the process should be restarted
  kReadiness,  // failing means do not send traffic yet (or any more)
};

/// Thread-safe registry. Checks run on server threads, must be thread-safe and should answer
/// within milliseconds.
class HealthChecks {
 public:
  using Check = std::function<Status()>;

  /// Starts with the always-passing "ping" and "log" liveness checks, as Kubernetes lists.
  HealthChecks();

  /// Adds or replaces the check called `name`.
  void Add(const std::string& name, Probe probe, Check check);

  struct Outcome {
    std::string name;
    Status status;
  };
  /// Runs the checks of an endpoint ("healthz", "livez" or "readyz") in registration order.
  std::vector<Outcome> Run(std::string_view endpoint) const;

 private:
  struct Entry {
    std::string name;
    Probe probe;
    Check check;
  };
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_
};

/// Serves /healthz, /livez, /readyz and their per-check subpaths to anyone. `checks` must
/// outlive the router.
void InstallHealthHandlers(Router& router, const HealthChecks& checks);

}  // namespace mini::cluster::apiserver
