#include "cluster/kubelet/node_agent.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"

namespace mini::cluster::kubelet {
namespace json = boost::json;

namespace {

// The lease outlives four missed renewals before the node counts as gone.
constexpr int kLeaseDurationSeconds = 40;
constexpr std::string_view kLeaseNamespace = "kube-node-lease";

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
  json::object status = NodeStatus(options_.node, machine, runtime_(), ConditionsOf(node),
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
