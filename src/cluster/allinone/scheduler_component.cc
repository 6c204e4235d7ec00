#include "cluster/allinone/scheduler_component.h"

#include <unistd.h>

#include <climits>
#include <string>

#include "cluster/client/local_transport.h"
#include "cluster/scheduler/pods.h"

namespace mini::cluster {
namespace {

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) {
    return "localhost";
  }
  return name;
}

}  // namespace

Status SchedulerComponent::Start() {
  auto transport = std::make_shared<client::LocalTransport>(
      apiserver_.router(),
      apiserver::UserInfo{"system:kube-scheduler", {"system:authenticated"}, true, "", {}});
  scheduler::SchedulerOptions options;
  // kube-scheduler reports as "<component>-<host>", so events say which machine decided.
  options.instance = std::string(scheduler::kSchedulerName) + "-" + HostName();
  scheduler_ = std::make_unique<scheduler::Scheduler>(std::move(transport), options);
  Status started = scheduler_->Start();
  if (!started.ok()) {
    scheduler_.reset();
  }
  return started;
}

void SchedulerComponent::Stop() {
  if (scheduler_ != nullptr) {
    scheduler_->Stop();
    scheduler_.reset();
  }
}

}  // namespace mini::cluster
