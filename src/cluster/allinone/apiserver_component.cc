#include "cluster/allinone/apiserver_component.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/rest/discovery.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/apiserver/rest/metrics.h"
#include "cluster/apiserver/rest/openapi_handlers.h"
#include "cluster/apiserver/rest/service_account_tokens.h"
#include "cluster/apiserver/version_handler.h"
#include "net/host.h"

namespace mini::cluster {
namespace {

// Long enough for in-flight requests; short enough that `mini stop` feels immediate.
constexpr std::chrono::milliseconds kDrain{5000};

}  // namespace

ApiServerComponent::ApiServerComponent(const ControlPlaneOptions& options,
                                       const std::atomic<bool>& shutting_down,
                                       std::function<store::Backend&()> backend)
    : options_(options), shutting_down_(shutting_down), backend_(std::move(backend)) {
  health_.Add("shutdown", apiserver::Probe::kReadiness, [this] {
    return shutting_down_.load() ? Error(Code::kUnavailable, "process is shutting down")
                                 : Status::Ok();
  });
}

Status ApiServerComponent::Start() {
  const api::schema::Schema& schema = api::schema::Builtin();
  const std::filesystem::path key_file = options_.service_account_key_file.empty()
                                             ? options_.data_dir / "sa.key"
                                             : options_.service_account_key_file;
  MINI_ASSIGN_OR_RETURN(signing_key_, auth::SigningKey::LoadOrCreate(key_file));
  issuer_ = std::make_unique<auth::TokenIssuer>(*signing_key_);
  registry_ = std::make_unique<registry::Registry>(schema, backend_());
  const std::string& advertise = options_.advertise_address;  // resolved by the runner
  auto router = std::make_shared<apiserver::Router>();
  apiserver::InstallHealthHandlers(*router, health_);
  apiserver::InstallVersionHandler(*router);
  apiserver::rest::InstallDiscovery(*router, schema,
                                    fmt::format("{}:{}", advertise, options_.secure_port),
                                    apiserver::rest::MetricsResources());
  apiserver::rest::InstallOpenApi(*router, schema);
  auto tokens = std::make_shared<apiserver::rest::ServiceAccountTokens>(*registry_, *issuer_);
  router->SetTokenAuthenticator(tokens);
  apiserver::rest::InstallIssuerDiscovery(
      *router, *issuer_, fmt::format("https://{}:{}", advertise, options_.secure_port));
  apiserver::rest::InstallRest(*router,
                               std::make_shared<apiserver::rest::RestHandler>(*registry_, tokens, node_logs_));
  apiserver::rest::InstallMetrics(*router, *registry_, node_stats_);

  apiserver::ServerOptions server_options;
  server_options.bind_address = options_.bind_address;
  server_options.port = options_.secure_port;
  server_options.cert_file = options_.tls_cert_file;
  server_options.key_file = options_.tls_private_key_file;
  server_options.client_ca_file = options_.client_ca_file;
  // One thread per core: handlers do not wait for datastore commits (writes answer through
  // deferred responses), and more threads than cores only add context switches and tail
  // latency (measured in docs/apiserver-bench.md).
  server_options.threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  router_ = router;
  auto server = apiserver::Server::Create(server_options, std::move(router));
  if (!server.ok()) {
    Status status = server.status();
    return status.code() == Code::kFailedPrecondition
               ? status.WithReason(std::string(kReasonPortInUse))
               : status;
  }
  server_ = std::move(server).value();
  // After binding, so the `kubernetes` endpoints carry the real port (0 asks for a free one).
  registry::BootstrapOptions bootstrap;
  bootstrap.advertise_address = advertise;
  bootstrap.port = server_->port();
  MINI_RETURN_IF_ERROR(registry_->Bootstrap(bootstrap).WithContext("bootstrapping the cluster"));

  server_->Start();
  return Status::Ok();
}

void ApiServerComponent::Stop() {
  if (server_ != nullptr) {
    server_->Stop(kDrain);
    server_.reset();
  }
  router_.reset();
  registry_.reset();
  issuer_.reset();
  signing_key_.reset();
}

uint16_t ApiServerComponent::port() const { return server_ != nullptr ? server_->port() : 0; }

}  // namespace mini::cluster
