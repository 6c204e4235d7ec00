// The scheduler as a control-plane component: it reaches the API server in-process as
// "system:kube-scheduler" and starts once it has listed pods and nodes.
#pragma once

#include <memory>

#include "cluster/allinone/apiserver_component.h"
#include "cluster/allinone/component.h"
#include "cluster/scheduler/scheduler.h"

namespace mini::cluster {

class SchedulerComponent final : public Component {
 public:
  /// `apiserver` must be started before this and outlive it.
  explicit SchedulerComponent(const ApiServerComponent& apiserver) : apiserver_(apiserver) {}

  std::string_view Name() const override { return "scheduler"; }
  Status Start() override;
  void Stop() override;

 private:
  const ApiServerComponent& apiserver_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
};

}  // namespace mini::cluster
