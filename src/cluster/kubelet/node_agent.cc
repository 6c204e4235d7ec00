#include "cluster/kubelet/node_agent.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <optional>

#include "cluster/api/meta/ids.h"

namespace mini::cluster::kubelet {
namespace json = boost::json;

namespace {

// The lease outlives four missed renewals before the node counts as gone.
constexpr int kLeaseDurationSeconds = 40;
constexpr std::string_view kLeaseNamespace = "kube-node-lease";

// While the node cannot run pods it carries the taint Kubernetes uses for that, so the
// scheduler places nothing on it and says why.
constexpr std::string_view kNotReadyTaint = "node.kubernetes.io/not-ready";

// spec.taints with the not-ready taint present or absent; nullopt when already so.
std::optional<json::array> TaintsFor(const json::object& node, bool ready) {
  json::array taints;
  bool present = false;
  const json::value* spec = node.if_contains("spec");
  const json::value* current =
      spec && spec->is_object() ? spec->get_object().if_contains("taints") : nullptr;
  if (current && current->is_array()) {
    for (const json::value& taint : current->get_array()) {
      const json::value* key = taint.is_object() ? taint.get_object().if_contains("key") : nullptr;
      if (key && key->is_string() && key->get_string() == kNotReadyTaint) {
        present = true;
        continue;
      }
      taints.push_back(taint);
    }
  }
  if (present == !ready) return std::nullopt;
  if (!ready) {
    taints.push_back(json::object{{"key", kNotReadyTaint}, {"effect", "NoSchedule"}});
  }
  return taints;
}

const json::array& ConditionsOf(const json::object& node) {
  static const json::array kNone;
  const json::value* status = node.if_contains("status");
  const json::value* conditions =
      status && status->is_object() ? status->get_object().if_contains("conditions") : nullptr;
  return conditions && conditions->is_array() ? conditions->get_array() : kNone;
}

}  // namespace

NodeAgent::NodeAgent(client::Client& client, NodeAgentOptions options,
                     std::function<RuntimeState()> runtime)
    : client_(client), options_(std::move(options)), runtime_(std::move(runtime)) {}

NodeAgent::~NodeAgent() { Stop(); }

Status NodeAgent::Register() {
  const std::string& name = options_.node.name;
  auto created = client_.Create(client::resources::kNodes, "", NewNode(options_.node));
  if (!created.ok() && created.status().code() != Code::kAlreadyExists) {
    return created.status().WithContext("registering node {}", name);
  }
  MINI_ASSIGN_OR_RETURN(json::object node, client_.Get(client::resources::kNodes, "", name));
  node_uid_ = std::string(node.at("metadata").at("uid").as_string());
  MINI_RETURN_IF_ERROR(UpdateStatus(true).WithContext("writing the status of node {}", name));
  MINI_RETURN_IF_ERROR(RenewLease().WithContext("creating the lease of node {}", name));
  spdlog::info("node {} registered", name);
  return Status::Ok();
}

Status NodeAgent::UpdateStatus(bool force) {
  MINI_ASSIGN_OR_RETURN(MachineInfo machine, ReadMachineInfo(options_.data_dir));
  MINI_ASSIGN_OR_RETURN(json::object node,
                        client_.Get(client::resources::kNodes, "", options_.node.name));
  const RuntimeState runtime = runtime_();
  if (auto taints = TaintsFor(node, runtime.ready)) {
    // An empty list is written as null, which removes the field, as Go's omitempty would.
    json::value list = taints->empty() ? json::value(nullptr) : json::value(std::move(*taints));
    json::object patch{{"spec", json::object{{"taints", std::move(list)}}}};
    MINI_ASSIGN_OR_RETURN(node, client_.Patch(client::resources::kNodes, "", options_.node.name, patch));
  }
  json::object status = NodeStatus(options_.node, machine, runtime, ConditionsOf(node),
                                   std::chrono::system_clock::now());
  const json::value* current = node.if_contains("status");
  const bool due = std::chrono::steady_clock::now() - last_status_ >= options_.status_interval;
  if (!force && !due && current && current->is_object() &&
      !StatusChanged(current->get_object(), status)) {
    return Status::Ok();
  }
  node["status"] = std::move(status);
  MINI_RETURN_IF_ERROR(client_.Update(client::resources::kNodes, "", node, "status").status());
  last_status_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

Status NodeAgent::RenewLease() {
  const std::string& name = options_.node.name;
  const std::string now = mini::api::meta::Rfc3339Micro(std::chrono::system_clock::now());
  auto lease = client_.Get(client::resources::kLeases, kLeaseNamespace, name);
  if (lease.ok()) {
    lease->at("spec").as_object()["renewTime"] = now;
    lease->at("spec").as_object()["holderIdentity"] = name;
    return client_.Update(client::resources::kLeases, kLeaseNamespace, *lease).status();
  }
  if (lease.status().code() != Code::kNotFound) return lease.status();
  json::object owner{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", name}, {"uid", node_uid_}};
  json::object fresh{
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata", json::object{{"name", name},
                                {"namespace", kLeaseNamespace},
                                {"ownerReferences", json::array{std::move(owner)}}}},
      {"spec", json::object{{"holderIdentity", name},
                            {"leaseDurationSeconds", kLeaseDurationSeconds},
                            {"renewTime", now}}}};
  return client_.Create(client::resources::kLeases, kLeaseNamespace, fresh).status();
}

void NodeAgent::Start() { thread_ = std::thread([this] { Loop(); }); }

void NodeAgent::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NodeAgent::Loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, options_.lease_interval, [this] { return stopping_; })) {
    lock.unlock();
    if (Status renewed = RenewLease(); !renewed.ok()) {
      spdlog::warn("renewing the lease of node {}: {}", options_.node.name, renewed.message());
    }
    if (Status updated = UpdateStatus(false); !updated.ok()) {
      spdlog::warn("updating the status of node {}: {}", options_.node.name, updated.message());
    }
    lock.lock();
  }
}

}  // namespace mini::cluster::kubelet
