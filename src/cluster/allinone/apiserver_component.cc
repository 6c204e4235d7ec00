#include "cluster/allinone/apiserver_component.h"

#include <chrono>

#include "cluster/apiserver/version_handler.h"

namespace mini::cluster {
namespace {

// Long enough for in-flight requests; short enough that `mini stop` feels immediate.
constexpr std::chrono::milliseconds kDrain{5000};

}  // namespace

ApiServerComponent::ApiServerComponent(const ControlPlaneOptions& options,
                                       const std::atomic<bool>& shutting_down)
    : options_(options), shutting_down_(shutting_down) {
  health_.Add("shutdown", apiserver::Probe::kReadiness, [this] {
    return shutting_down_.load() ? Error(Code::kUnavailable, "process is shutting down")
                                 : Status::Ok();
  });
}

Status ApiServerComponent::Start() {
  auto router = std::make_shared<apiserver::Router>();
  apiserver::InstallHealthHandlers(*router, health_);
  apiserver::InstallVersionHandler(*router);

  apiserver::ServerOptions server_options;
  server_options.bind_address = options_.bind_address;
  server_options.port = options_.secure_port;
  server_options.cert_file = options_.tls_cert_file;
  server_options.key_file = options_.tls_private_key_file;
  server_options.client_ca_file = options_.client_ca_file;
  auto server = apiserver::Server::Create(server_options, std::move(router));
  if (!server.ok()) {
    Status status = server.status();
    return status.code() == Code::kFailedPrecondition
               ? status.WithReason(std::string(kReasonPortInUse))
               : status;
  }
  server_ = std::move(server).value();
  server_->Start();
  return Status::Ok();
}

void ApiServerComponent::Stop() {
  if (server_ != nullptr) {
    server_->Stop(kDrain);
    server_.reset();
  }
}

uint16_t ApiServerComponent::port() const { return server_ != nullptr ? server_->port() : 0; }

}  // namespace mini::cluster
