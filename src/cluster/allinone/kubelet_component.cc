#include "cluster/allinone/kubelet_component.h"

#include "cluster/client/local_transport.h"
#include "common/version.h"
#include "net/host.h"

namespace mini::cluster {

Status KubeletComponent::Start() {
  const std::string& name = options_.node_name;
  auto transport = std::make_shared<client::LocalTransport>(
      apiserver_.router(),
      apiserver::UserInfo{"system:node:" + name, {"system:nodes", "system:authenticated"}, true,
                          "", {}});
  client_ = std::make_unique<client::Client>(std::move(transport));
  kubelet::NodeAgentOptions options;
  options.node.name = name;
  options.node.internal_ip = options_.advertise_address.empty() ||
                                     options_.advertise_address.starts_with("127.")
                                 ? net::PrimaryIPv4()
                                 : options_.advertise_address;
  options.node.kubelet_version = "v1.32.4";  // the Kubernetes version the API server reports
  std::string_view version = Version();
  if (version.starts_with('v')) version.remove_prefix(1);
  options.node.runtime_version = "mini://" + std::string(version);
  options.data_dir = options_.data_dir;
  agent_ = std::make_unique<kubelet::NodeAgent>(*client_, options, [] {
    return kubelet::RuntimeState{false, "container runtime not ready: this node does not run pods yet"};
  });
  if (Status registered = agent_->Register(); !registered.ok()) {
    agent_.reset();
    return registered;
  }
  agent_->Start();
  return Status::Ok();
}

void KubeletComponent::Stop() {
  if (agent_ != nullptr) {
    agent_->Stop();
    agent_.reset();
  }
  client_.reset();
}

}  // namespace mini::cluster
