#include "cluster/controllers/serviceaccount/default_service_account.h"

#include <boost/json.hpp>

namespace mini::cluster::controllers {

std::unique_ptr<NamespaceFanout> NewDefaultServiceAccountController(client::Client& client) {
  FanoutSpec spec;
  spec.controller = "serviceaccount";
  spec.resource = client::resources::kServiceAccounts;
  spec.name = "default";
  spec.desired = [](const std::string& name_space) {
    return boost::json::object{{"apiVersion", "v1"},
                               {"kind", "ServiceAccount"},
                               {"metadata", {{"name", "default"}, {"namespace", name_space}}}};
  };
  // Users may annotate or label the default account, or add pull secrets: left as they are.
  return std::make_unique<NamespaceFanout>(client, std::move(spec));
}

}  // namespace mini::cluster::controllers
