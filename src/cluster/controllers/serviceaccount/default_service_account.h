// The service-account controller: every namespace has a ServiceAccount "default", which pods
// run as unless they name another (and which `kubectl create token default` needs).
#pragma once

#include <memory>

#include "cluster/controllers/namespace_fanout/namespace_fanout.h"

namespace mini::cluster::controllers {

std::unique_ptr<NamespaceFanout> NewDefaultServiceAccountController(client::Client& client);

}  // namespace mini::cluster::controllers
