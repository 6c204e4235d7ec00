// Every served resource's storage, built from the schema, plus the cluster-wide rules that
// cross resources: objects live in existing namespaces (the namespace controller empties a
// deleted one), and a new cluster starts with the namespaces and the `kubernetes` Service that
// Kubernetes creates for itself.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "cluster/api/schema/schema.h"
#include "cluster/registry/storage.h"
#include "cluster/store/backend.h"

namespace mini::cluster::registry {

struct BootstrapOptions {
  std::string advertise_address = "127.0.0.1";  // where in-cluster clients reach the API server
  int port = 8443;
};

class Registry {
 public:
  Registry(const api::schema::Schema& schema, store::Backend& backend);

  const api::schema::Schema& schema() const { return schema_; }
  /// The storage of group/version/resource; nullptr if the resource is not served.
  Storage* Find(std::string_view group, std::string_view version, std::string_view resource);

  /// Creates what a fresh cluster has (namespaces default, kube-system, kube-public,
  /// kube-node-lease; Service and Endpoints `kubernetes` in default) and repairs the
  /// `kubernetes` endpoints when the address changed. Idempotent.
  Status Bootstrap(const BootstrapOptions& options);

 private:
  Status CheckNamespace(const std::string& name_space);

  const api::schema::Schema& schema_;
  store::Backend& backend_;
  std::map<std::tuple<std::string, std::string, std::string>, std::unique_ptr<Storage>, std::less<>>
      storages_;
  Storage* namespaces_ = nullptr;
};

}  // namespace mini::cluster::registry
