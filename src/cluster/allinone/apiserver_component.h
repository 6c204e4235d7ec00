// The API server as a control-plane component: the HTTPS server with the health and version
// endpoints, and the health-check registry later components add their checks to.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "cluster/allinone/component.h"
#include "cluster/allinone/control_plane.h"
#include "cluster/apiserver/health.h"
#include "cluster/apiserver/rest/metrics.h"
#include "cluster/apiserver/rest/pod_logs.h"
#include "cluster/apiserver/server.h"
#include "cluster/auth/service_account_token.h"
#include "cluster/registry/registry.h"
#include "cluster/store/backend.h"

namespace mini::cluster {

class ApiServerComponent final : public Component {
 public:
  /// `shutting_down` turns /readyz's "shutdown" check red once set; `backend` gives the
  /// datastore once it has started. Both must outlive this.
  ApiServerComponent(const ControlPlaneOptions& options, const std::atomic<bool>& shutting_down,
                     std::function<store::Backend&()> backend);

  std::string_view Name() const override { return "apiserver"; }
  /// Fails with reason kReasonPortInUse when the secure port is taken.
  Status Start() override;
  /// Stops accepting and gives requests in flight a few seconds to finish.
  void Stop() override;

  /// The bound port; valid after a successful Start.
  uint16_t port() const;
  apiserver::HealthChecks& health_checks() { return health_; }
  /// The router requests are served by, for in-process clients (client::LocalTransport);
  /// valid after a successful Start.
  std::shared_ptr<const apiserver::Router> router() const { return router_; }
  /// Where nodes attach the source of their pods' logs (`kubectl logs`).
  apiserver::rest::NodeLogs& node_logs() const { return *node_logs_; }
  /// Where nodes attach the source of their resource usage (`kubectl top`).
  apiserver::rest::NodeStats& node_stats() const { return *node_stats_; }

 private:
  const ControlPlaneOptions options_;
  const std::atomic<bool>& shutting_down_;
  apiserver::HealthChecks health_;
  std::function<store::Backend&()> backend_;
  std::unique_ptr<auth::SigningKey> signing_key_;
  std::unique_ptr<auth::TokenIssuer> issuer_;
  std::unique_ptr<registry::Registry> registry_;
  std::shared_ptr<apiserver::Router> router_;
  std::shared_ptr<apiserver::rest::NodeLogs> node_logs_ = std::make_shared<apiserver::rest::NodeLogs>();
  std::shared_ptr<apiserver::rest::NodeStats> node_stats_ =
      std::make_shared<apiserver::rest::NodeStats>();
  std::unique_ptr<apiserver::Server> server_;
};

}  // namespace mini::cluster
