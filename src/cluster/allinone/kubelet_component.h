// The node agent as a control-plane component: it reaches the API server in-process as
// "system:node:<name>", registers the node and keeps its lease and status current. Pods are
// not run yet, so the node honestly reports NotReady and carries the not-ready taint.
#pragma once

#include <memory>

#include "cluster/allinone/apiserver_component.h"
#include "cluster/allinone/component.h"
#include "cluster/allinone/control_plane.h"
#include "cluster/client/client.h"
#include "cluster/kubelet/node_agent.h"

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
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<kubelet::NodeAgent> agent_;
};

}  // namespace mini::cluster
