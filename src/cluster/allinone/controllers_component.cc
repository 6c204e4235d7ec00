#include "cluster/allinone/controllers_component.h"

#include "cluster/client/local_transport.h"
#include "cluster/controllers/namespace/namespace_controller.h"
#include "cluster/controllers/rootca/root_ca_publisher.h"
#include "cluster/controllers/serviceaccount/default_service_account.h"
#include "common/files.h"

namespace mini::cluster {

namespace {
constexpr auto kSyncTimeout = std::chrono::seconds(30);
}  // namespace

Status ControllersComponent::Start() {
  client_ = std::make_unique<client::Client>(std::make_shared<client::LocalTransport>(
      apiserver_.router(), apiserver::UserInfo{"system:kube-controller-manager",
                                               {"system:authenticated"}, true, "", {}}));
  controllers_.push_back(controllers::NewNamespaceController(*client_));
  controllers_.push_back(controllers::NewDefaultServiceAccountController(*client_));
  if (!ca_file_.empty()) {  // without a CA (tests) there is nothing to publish
    MINI_ASSIGN_OR_RETURN(std::string ca_pem, ReadFile(ca_file_));
    controllers_.push_back(controllers::NewRootCaPublisher(*client_, std::move(ca_pem)));
  }
  for (auto& controller : controllers_) {
    if (Status started = controller->Start(kSyncTimeout); !started.ok()) {
      Stop();
      return started;
    }
  }
  return Status::Ok();
}

void ControllersComponent::Stop() {
  for (auto& controller : controllers_) controller->Stop();
  controllers_.clear();
  client_.reset();
}

}  // namespace mini::cluster
