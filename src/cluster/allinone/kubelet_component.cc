#include "cluster/allinone/kubelet_component.h"

#include <spdlog/spdlog.h>

#include "cluster/client/local_transport.h"
#include "cluster/kubelet/machine_info.h"
#include "cluster/kubelet/pods/container_config.h"
#include "cluster/kubelet/pods/log_source.h"
#include "cluster/kubelet/run_dir.h"
#include "cluster/runtime/oci/cgroups.h"
#include "cluster/runtime/oci/sealed_runtime.h"
#include "cluster/runtime/registry/registry_puller.h"
#include "common/command.h"
#include "common/process.h"
#include "common/version.h"

namespace mini::cluster {

Status KubeletComponent::StartPods(const std::string& host_ip) {
  const std::filesystem::path& data = options_.data_dir;
  MINI_ASSIGN_OR_RETURN(CommandOutput crun, RunCommand({"crun", "--version"}));
  if (crun.exit_code != 0) return Status(Code::kFailedPrecondition, "crun does not run");
  MINI_RETURN_IF_ERROR(runtime::oci::PrepareCgroups().status());
  MINI_ASSIGN_OR_RETURN(std::filesystem::path self, SelfExecutable());
  // The small shim executable beside this one when it was installed; else this one's `shim`.
  std::filesystem::path small_shim = self.parent_path() / "mini-shim";
  std::vector<std::string> shim = std::filesystem::exists(small_shim)
                                      ? std::vector<std::string>{small_shim.string()}
                                      : std::vector<std::string>{self.string(), "shim"};
  MINI_RETURN_IF_ERROR(kubelet::MountRunDir(data));
  const std::filesystem::path run = kubelet::RunDir(data);
  MINI_ASSIGN_OR_RETURN(images_, runtime::image::OpenImageStore(
                                     runtime::image::ImageStoreRoot(data),
                                     {.users_dir = kubelet::ImageUsersDir(data)}));
  runtime::containers::ContainerManagerOptions runtime_options{run / "containers", run / "crun",
                                                               shim};
  runtime_options.layers_root = data / "containers";
  runtime_options.init_layers_root =
      runtime::image::InitLayersRoot(runtime::image::ImageStoreRoot(data));
  runtime_options.mount_points = kubelet::pods::CommonMountPoints();
  // A runtime that cannot be sealed still works; it only copies itself on every run.
  if (auto sealed = runtime::oci::SealedRuntime("crun", run / "bin"); sealed.ok()) {
    runtime_options.crun = sealed->string();
  } else {
    spdlog::warn("crun will copy itself on every container start: {}", sealed.status().message());
  }
  containers_ = std::make_unique<runtime::containers::ContainerManager>(
      std::move(runtime_options), *images_, runtime::image::NewSystemMounter());
  containers_->RemoveOrphans();
  kubelet::network::BridgeOptions bridge;
  MINI_ASSIGN_OR_RETURN(bridge.cidr, kubelet::network::Cidr::Parse("10.244.0.0/24"));
  bridge.state_dir = run / "network";
  network_ = kubelet::network::NewBridgeNetwork(bridge);
  config_source_ = kubelet::pods::NewApiConfigSource(*client_);
  kubelet::pods::EnvSources env{.config = config_source_.get()};
  if (auto machine = kubelet::ReadMachineInfo(data); machine.ok()) {
    env.node_cpus = machine->cpus;
    env.node_memory_bytes = machine->memory_bytes;
  }
  kubelet::pods::PodManagerOptions options;
  options.node_name = options_.node_name;
  runtime::registry::RegistryOptions registries;
  if (!options_.registry_mirrors.empty()) {
    registries.mirrors[runtime::image::kDefaultDomain] = options_.registry_mirrors;
  }
  registries.insecure.insert(options_.insecure_registries.begin(),
                             options_.insecure_registries.end());
  puller_ = runtime::registry::NewRegistryPuller(std::move(registries));
  // A pod's directory (hosts file, projected volumes, termination messages) is remade when
  // the pod starts again, so it lives in memory like the containers' state: a pod start
  // created a score of files there, and new inodes on the data disk cost far more. Only the
  // emptyDir volumes a pod writes stay on disk, as on a real node.
  options.services = {containers_.get(), images_.get(), network_.get(), run / "pods",
                      data / "logs" / "pods", host_ip, env};
  options.services.disk_dir = data / "pods";
  options.services.puller = puller_.get();
  events_ = std::make_unique<client::EventRecorder>(
      *client_, client::EventSource{"kubelet", options_.node_name, options_.node_name});
  volume_api_ = kubelet::volumes::NewApiVolumeSource(*client_);
  options.services.volume_api = volume_api_.get();
  options.services.events = events_.get();
  pods_ = std::make_unique<kubelet::pods::PodManager>(*client_, options);
  MINI_RETURN_IF_ERROR(pods_->Start());
  apiserver_.node_logs().Attach(
      options_.node_name,
      std::make_shared<kubelet::pods::NodeLogSource>(data / "logs" / "pods", *containers_));
  return Status::Ok();
}

Status KubeletComponent::Start() {
  const std::string& name = options_.node_name;
  auto transport = std::make_shared<client::LocalTransport>(
      apiserver_.router(),
      apiserver::UserInfo{"system:node:" + name, {"system:nodes", "system:authenticated"}, true,
                          "", {}});
  client_ = std::make_unique<client::Client>(std::move(transport));
  kubelet::NodeAgentOptions options;
  options.node.name = name;
  options.node.internal_ip = options_.advertise_address;
  options.node.kubelet_version = "v1.32.4";  // the Kubernetes version the API server reports
  std::string_view version = Version();
  if (version.starts_with('v')) version.remove_prefix(1);
  options.node.runtime_version = "mini://" + std::string(version);
  options.data_dir = options_.data_dir;
  if (Status pods = StartPods(options.node.internal_ip); !pods.ok()) {
    spdlog::warn("this node cannot run pods: {}", pods.message());
    runtime_ = {false, "container runtime not ready: " + pods.message()};
    pods_.reset();
  } else {
    runtime_ = {true, ""};
  }
  agent_ = std::make_unique<kubelet::NodeAgent>(*client_, options, [this] { return runtime_; });
  if (Status registered = agent_->Register(); !registered.ok()) {
    agent_.reset();
    return registered;
  }
  agent_->Start();
  // The node's own usage is measured even when it cannot run pods.
  stats_ = std::make_shared<kubelet::stats::StatsCollector>([this] {
    return pods_ != nullptr ? kubelet::stats::RunningContainers(*containers_)
                            : std::vector<kubelet::stats::RunningContainer>();
  });
  stats_->Start();
  apiserver_.node_stats().Attach(name, stats_);
  return Status::Ok();
}

void KubeletComponent::Stop() {
  if (agent_ != nullptr) {
    agent_->Stop();
    agent_.reset();
  }
  apiserver_.node_logs().Detach(options_.node_name);
  apiserver_.node_stats().Detach(options_.node_name);
  if (stats_ != nullptr) {
    stats_->Stop();  // before the containers it reads go away
    stats_.reset();
  }
  if (pods_ != nullptr) {
    pods_->Stop();
    pods_.reset();
  }
  events_.reset();  // writes what the pods' shutdown reported
  network_.reset();
  if (containers_ != nullptr) {
    containers_.reset();
    // Every container went with the pods: their state has nothing left to say.
    kubelet::UnmountRunDir(options_.data_dir);
  }
  puller_.reset();
  images_.reset();
  client_.reset();
}

}  // namespace mini::cluster
