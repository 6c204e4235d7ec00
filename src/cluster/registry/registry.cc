#include "cluster/registry/registry.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/printing.h"

namespace mini::cluster::registry {
namespace json = boost::json;

Registry::Registry(const api::schema::Schema& schema, store::Backend& backend)
    : schema_(schema), backend_(backend) {
  StorageHooks hooks;
  hooks.check_namespace = [this](const std::string& ns) { return CheckNamespace(ns); };
  StrategyContext context;
  context.list_all = [this](const std::string& group,
                            const std::string& resource) -> Result<std::vector<json::object>> {
    for (auto& [key, storage] : storages_) {
      if (std::get<0>(key) == group && std::get<2>(key) == resource) {
        MINI_ASSIGN_OR_RETURN(ListResult all, storage->List("", ListOptions()));
        return std::move(all.items);
      }
    }
    return Status(Code::kNotFound, fmt::format("no resource {} in group \"{}\"", resource, group));
  };
  for (const api::schema::Resource& resource : schema.resources()) {
    // Review kinds (SelfSubjectAccessReview...) are answered, never stored.
    if (resource.verbs == std::vector<std::string>{"create"}) continue;
    auto storage = std::make_unique<Storage>(
        resource, NewStrategy(resource.group, resource.version, resource.plural, context), backend,
        hooks, nullptr, NewConverter(resource.group, resource.version, resource.plural));
    if (resource.group.empty() && resource.plural == "namespaces") namespaces_ = storage.get();
    storages_[{resource.group, resource.version, resource.plural}] = std::move(storage);
  }
}

Storage* Registry::Find(std::string_view group, std::string_view version,
                        std::string_view resource) {
  auto it = storages_.find(
      std::make_tuple(std::string(group), std::string(version), std::string(resource)));
  return it == storages_.end() ? nullptr : it->second.get();
}

Status Registry::CheckNamespace(const std::string& name_space) {
  if (namespaces_ == nullptr) return Status::Ok();
  auto ns = namespaces_->Get("", name_space);
  if (!ns.ok()) return ns.status();
  const json::object* metadata = ObjectAt(*ns, "metadata");
  if (StringAt(*ns, "status.phase") == "Terminating" ||
      (metadata != nullptr && metadata->contains("deletionTimestamp"))) {
    return ForbiddenError(Subject{"", "namespaces", "Namespace", name_space},
                          fmt::format("unable to create new content in namespace {} because it "
                                      "is being terminated",
                                      name_space));
  }
  return Status::Ok();
}

Status Registry::Bootstrap(const BootstrapOptions& options) {
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    auto created = namespaces_->Create("",
                                       json::object{{"apiVersion", "v1"},
                                                    {"kind", "Namespace"},
                                                    {"metadata", json::object{{"name", name}}}},
                                       WriteOptions());
    if (!created.ok() && created.status().code() != Code::kAlreadyExists) {
      return created.status().WithContext("creating namespace {}", name);
    }
  }
  Storage* services = Find("", "v1", "services");
  json::object port{
      {"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", options.port}};
  auto service = services->Create(
      "default",
      json::object{{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", json::object{{"name", "kubernetes"},
                                             {"labels", json::object{{"component", "apiserver"},
                                                                     {"provider", "kubernetes"}}}}},
                   {"spec", json::object{{"type", "ClusterIP"},
                                         {"clusterIP", "10.96.0.1"},
                                         {"ports", json::array{port}}}}},
      WriteOptions());
  if (!service.ok() && service.status().code() != Code::kAlreadyExists) {
    return service.status().WithContext("creating the kubernetes Service");
  }
  json::object subsets{
      {"addresses", json::array{json::object{{"ip", options.advertise_address}}}},
      {"ports",
       json::array{json::object{{"name", "https"}, {"port", options.port}, {"protocol", "TCP"}}}}};
  json::object endpoints{{"apiVersion", "v1"},
                         {"kind", "Endpoints"},
                         {"metadata", json::object{{"name", "kubernetes"},
                                                   {"labels", json::object{{"endpointslice."
                                                                            "kubernetes.io/"
                                                                            "skip-mirror",
                                                                            "true"}}}}},
                         {"subsets", json::array{subsets}}};
  Storage* endpoint_storage = Find("", "v1", "endpoints");
  auto created = endpoint_storage->Create("default", endpoints, WriteOptions());
  if (created.ok() || created.status().code() != Code::kAlreadyExists) {
    return created.status().WithContext("creating the kubernetes Endpoints");
  }
  auto updated = endpoint_storage->Update(
      "default", "kubernetes",
      [&](json::object current) -> Result<json::object> {
        current["subsets"] = json::array{subsets};
        return current;
      },
      false, WriteOptions());
  return updated.status().WithContext("updating the kubernetes Endpoints");
}

}  // namespace mini::cluster::registry
