// The namespace controller: a namespace being deleted is emptied of every namespaced object
// the API serves (found through discovery, so resources added later go too), then its
// "kubernetes" finalizer is cleared through the finalize subresource and the API server removes
// it. Pods leave gracefully, so the namespace stays Terminating until their kubelets are done.
#pragma once

#include <memory>

#include "cluster/client/client.h"
#include "cluster/controllers/controller.h"

namespace mini::cluster::controllers {

/// `client` must outlive the controller.
std::unique_ptr<Controller> NewNamespaceController(client::Client& client);

}  // namespace mini::cluster::controllers
