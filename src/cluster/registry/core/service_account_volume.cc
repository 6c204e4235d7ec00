#include "cluster/registry/core/service_account_volume.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr const char* kMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
// An hour, and the seven seconds more by which Kubernetes tells these tokens apart.
constexpr int64_t kTokenSeconds = 3607;

json::array* Array(json::object& spec, const char* key) {
  json::value* value = spec.if_contains(key);
  return value != nullptr && value->is_array() ? &value->get_array() : nullptr;
}

bool MountsServiceAccountPath(json::object& spec) {
  for (const char* list : {"initContainers", "containers"}) {
    json::array* containers = Array(spec, list);
    if (containers == nullptr) continue;
    for (json::value& container : *containers) {
      if (!container.is_object()) continue;
      json::array* mounts = Array(container.get_object(), "volumeMounts");
      if (mounts == nullptr) continue;
      for (const json::value& mount : *mounts) {
        const json::value* path = mount.is_object() ? mount.get_object().if_contains("mountPath")
                                                    : nullptr;
        if (path != nullptr && path->is_string() && path->get_string() == kMountPath) return true;
      }
    }
  }
  return false;
}

json::object Volume(const std::string& name) {
  json::array sources{
      json::object{{"serviceAccountToken", {{"expirationSeconds", kTokenSeconds}, {"path", "token"}}}},
      json::object{{"configMap",
                    {{"name", "kube-root-ca.crt"},
                     {"items", json::array{json::object{{"key", "ca.crt"}, {"path", "ca.crt"}}}}}}},
      json::object{
          {"downwardAPI",
           {{"items", json::array{json::object{
                          {"path", "namespace"},
                          {"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "metadata.namespace"}}}}}}}}}};
  return json::object{{"name", name},
                      {"projected", {{"defaultMode", 0644}, {"sources", std::move(sources)}}}};
}

}  // namespace

void AddServiceAccountVolume(json::object& spec) {
  const json::value* automount = spec.if_contains("automountServiceAccountToken");
  if (automount != nullptr && automount->is_bool() && !automount->get_bool()) return;
  if (MountsServiceAccountPath(spec)) return;
  std::string name = api::meta::GenerateName("kube-api-access-");
  json::object mount{{"name", name}, {"readOnly", true}, {"mountPath", kMountPath}};
  for (const char* list : {"initContainers", "containers"}) {
    json::array* containers = Array(spec, list);
    if (containers == nullptr) continue;
    for (json::value& container : *containers) {
      if (!container.is_object()) continue;
      json::value& mounts = container.get_object()["volumeMounts"];
      if (!mounts.is_array()) mounts = json::array{};
      mounts.get_array().push_back(mount);
    }
  }
  json::value& volumes = spec["volumes"];
  if (!volumes.is_array()) volumes = json::array{};
  volumes.get_array().push_back(Volume(name));
}

}  // namespace mini::cluster::registry::core
