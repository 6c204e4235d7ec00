// An API server without sockets for client tests: registry over the memory store, discovery
// and the REST handler behind a router, and an in-process transport as an administrator.
#pragma once

#include <memory>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/rest/discovery.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/client/local_transport.h"
#include "cluster/registry/registry.h"
#include "cluster/store/memory/memory_backend.h"

namespace mini::cluster::client::testing {

class ApiFixture {
 public:
  ApiFixture()
      : backend_(store::memory::NewMemoryBackend()),
        registry_(api::schema::Builtin(), *backend_),
        router_(std::make_shared<apiserver::Router>()) {
    (void)registry_.Bootstrap({"10.0.0.5", 8443});
    apiserver::rest::InstallDiscovery(*router_, api::schema::Builtin(), "10.0.0.5:8443");
    apiserver::rest::InstallRest(*router_,
                                 std::make_shared<apiserver::rest::RestHandler>(registry_));
  }

  std::shared_ptr<client::Transport> NewTransport() const {
    return std::make_shared<LocalTransport>(
        router_, apiserver::UserInfo{"test", {"system:masters", "system:authenticated"}, true, "", {}});
  }
  store::Backend& backend() { return *backend_; }

 private:
  store::BackendPtr backend_;
  registry::Registry registry_;
  std::shared_ptr<apiserver::Router> router_;
};

}  // namespace mini::cluster::client::testing
