// The node agent as a control-plane component: it reaches the API server in-process as
// "system:node:<name>", registers the node, keeps its lease and status current and runs the
// pods bound to it. When the host cannot run containers (no crun, no cgroups, not root) the
// node reports NotReady with the reason and carries the not-ready taint.
#pragma once

#include <memory>

#include "cluster/allinone/apiserver_component.h"
#include "cluster/allinone/component.h"
#include "cluster/allinone/control_plane.h"
#include "cluster/client/client.h"
#include "cluster/client/event_recorder.h"
#include "cluster/kubelet/network/pod_network.h"
#include "cluster/kubelet/node_agent.h"
#include "cluster/kubelet/pods/pod_manager.h"
#include "cluster/kubelet/stats/collector.h"
#include "cluster/runtime/containers/container_manager.h"
#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/pull_policy.h"

namespace mini::cluster {

class KubeletComponent final : public Component {
 public:
  /// `apiserver` must be started before this and outlive it.
  KubeletComponent(const ControlPlaneOptions& options, const ApiServerComponent& apiserver)
      : options_(options), apiserver_(apiserver) {}

  std::string_view Name() const override { return "kubelet"; }
  Status Start() override;
  void Stop() override;

 private:
  const ControlPlaneOptions& options_;
  const ApiServerComponent& apiserver_;
  /// Brings up what runs pods; the reason the node is not ready when that fails.
  Status StartPods(const std::string& host_ip);

  std::unique_ptr<client::Client> client_;
  std::unique_ptr<runtime::image::ImageStore> images_;
  runtime::image::PullerPtr puller_;
  std::unique_ptr<runtime::containers::ContainerManager> containers_;
  std::unique_ptr<kubelet::network::PodNetwork> network_;
  std::unique_ptr<kubelet::pods::ConfigSource> config_source_;  // read by the pods' workers
  std::unique_ptr<kubelet::volumes::VolumeApi> volume_api_;      // claims and tokens for volumes
  std::unique_ptr<client::EventRecorder> events_;  // the pods' events
  std::unique_ptr<kubelet::pods::PodManager> pods_;
  std::shared_ptr<kubelet::stats::StatsCollector> stats_;  // for `kubectl top`
  kubelet::RuntimeState runtime_;
  std::unique_ptr<kubelet::NodeAgent> agent_;
};

}  // namespace mini::cluster
