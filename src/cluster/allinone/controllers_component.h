// The controllers as a control-plane component: they reach the API server in-process as
// "system:kube-controller-manager" and start once their informers have listed.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "cluster/allinone/apiserver_component.h"
#include "cluster/allinone/component.h"
#include "cluster/client/client.h"
#include "cluster/controllers/controller.h"

namespace mini::cluster {

class ControllersComponent final : public Component {
 public:
  /// `apiserver` must be started before this and outlive it; `ca_file` is the CA published
  /// to every namespace.
  ControllersComponent(const ApiServerComponent& apiserver, std::filesystem::path ca_file)
      : apiserver_(apiserver), ca_file_(std::move(ca_file)) {}

  std::string_view Name() const override { return "controllers"; }
  Status Start() override;
  void Stop() override;

 private:
  const ApiServerComponent& apiserver_;
  const std::filesystem::path ca_file_;
  std::unique_ptr<client::Client> client_;
  std::vector<std::unique_ptr<controllers::Controller>> controllers_;
};

}  // namespace mini::cluster
