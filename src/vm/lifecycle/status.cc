#include <boost/json.hpp>

#include "common/json.h"
#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {
namespace json = boost::json;

// The kubelet is Running only when the node it registered reports Ready, the same test
// `kubectl get nodes` shows; a control plane without a node agent has no such node.
std::string KubeletState(const net::TlsClientConfig& tls, const Endpoint& endpoint,
                         const std::string& node) {
  auto reply = net::HttpsGet(endpoint.host, endpoint.port, "/api/v1/nodes/" + node, tls,
                             std::chrono::seconds(2));
  if (!reply.ok() || reply->status != 200) {
    return "Stopped";
  }
  auto parsed = ParseJson(reply->body, "node " + node);
  if (!parsed.ok()) {
    return "Error";
  }
  boost::system::error_code ec;
  const json::value* conditions = parsed->find_pointer("/status/conditions", ec);
  if (conditions == nullptr || !conditions->is_array()) {
    return "Stopped";
  }
  for (const auto& c : conditions->get_array()) {
    const json::object* o = c.if_object();
    const json::value* type = o != nullptr ? o->if_contains("type") : nullptr;
    const json::value* value = o != nullptr ? o->if_contains("status") : nullptr;
    if (type != nullptr && type->is_string() && type->get_string() == "Ready") {
      return value != nullptr && value->is_string() && value->get_string() == "True" ? "Running"
                                                                                     : "Stopped";
    }
  }
  return "Stopped";
}

namespace {
std::string ApiServerState(const net::TlsClientConfig& tls, const Endpoint& endpoint) {
  auto reply = net::HttpsGet(endpoint.host, endpoint.port, "/readyz", tls, std::chrono::seconds(2));
  if (reply.ok()) {
    return reply->status == 200 ? "Running" : "Error";
  }
  return reply.status().code() == Code::kUnavailable ? "Stopped" : "Error";
}
}  // namespace

int ClusterStatus::ExitCode() const {
  int code = 0;
  if (host != "Running") {
    code |= 1;
  }
  if (apiserver != "Running" || kubelet != "Running") {
    code |= 2;
  }
  if (kubeconfig != "Configured") {
    code |= 4;
  }
  return code;
}

Result<ClusterStatus> GetStatus(const Context& ctx, const std::string& profile) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  ClusterStatus status{profile, "Stopped", "Stopped", "Stopped", "Stopped", false};
  auto state = machine.driver->State(machine.spec);
  status.host = state.ok() ? std::string(StateName(*state)) : "Error";
  if (status.host != "Running") {
    return status;
  }
  if (machine.driver->Paused(machine.spec)) {
    status.apiserver = "Paused";  // as minikube shows a paused cluster
    status.kubeconfig = "Configured";
    return status;
  }
  MINI_ASSIGN_OR_RETURN(Endpoint endpoint, machine.driver->ApiEndpoint(machine.spec));
  net::TlsClientConfig tls = AdminTls(ctx, profile, endpoint);
  status.apiserver = ApiServerState(tls, endpoint);
  status.kubelet = status.apiserver == "Running" ? KubeletState(tls, endpoint, profile) : "Stopped";
  auto kc = kubeconfig::Check(ctx.kubeconfig, KubeconfigEntry(ctx, profile, endpoint));
  status.kubeconfig =
      kc.ok() && *kc == kubeconfig::State::kConfigured ? "Configured" : "Misconfigured";
  return status;
}

Status UpdateContext(const Context& ctx, const std::string& profile) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  MINI_ASSIGN_OR_RETURN(Endpoint endpoint, machine.driver->ApiEndpoint(machine.spec));
  kubeconfig::Entry entry = KubeconfigEntry(ctx, profile, endpoint);
  auto state = kubeconfig::Check(ctx.kubeconfig, entry);
  if (state.ok() && *state == kubeconfig::State::kConfigured) {
    ctx.say(fmt::format("\"{}\" context is already pointing to {}", profile, entry.server));
    return Status::Ok();
  }
  MINI_RETURN_IF_ERROR(kubeconfig::Upsert(ctx.kubeconfig, entry, /*make_current=*/true)
                           .WithReason("HOST_KUBECONFIG_WRITE"));
  ctx.say(fmt::format("\"{}\" context has been updated to point to {}", profile, entry.server));
  return Status::Ok();
}

}  // namespace mini::vm
