#include "cluster/kubelet/pods/pull_secrets.h"

#include <spdlog/spdlog.h>

#include "cluster/registry/printing.h"
#include "cluster/runtime/registry/credentials.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::ObjectAt;
using registry::StringAt;

runtime::image::PullCredentials PullCredentialsFor(const json::object& pod, ConfigSource* config) {
  runtime::image::PullCredentials credentials;
  const json::object* spec = ObjectAt(pod, "spec");
  const json::value* secrets = spec ? spec->if_contains("imagePullSecrets") : nullptr;
  if (config == nullptr || secrets == nullptr || !secrets->is_array()) {
    return credentials;
  }
  const std::string name_space = StringAt(pod, "metadata.namespace");
  for (const json::value& item : secrets->get_array()) {
    std::string name = item.is_object() ? StringAt(item.get_object(), "name") : "";
    if (name.empty()) {
      continue;
    }
    auto data = config->Data(ConfigSource::Kind::kSecret, name_space, name);
    if (!data.ok()) {
      spdlog::warn("pod {}/{}: image pull secret {:?} cannot be read: {}", name_space,
                   StringAt(pod, "metadata.name"), name, data.status().message());
      continue;
    }
    auto doc = data->find(runtime::registry::kDockerConfigJsonKey);
    if (doc == data->end()) {
      spdlog::warn("pod {}/{}: image pull secret {:?} has no {} key", name_space,
                   StringAt(pod, "metadata.name"), name, runtime::registry::kDockerConfigJsonKey);
      continue;
    }
    auto parsed = runtime::registry::ParseDockerConfigJson(doc->second);
    if (!parsed.ok()) {
      spdlog::warn("pod {}/{}: image pull secret {:?}: {}", name_space,
                   StringAt(pod, "metadata.name"), name, parsed.status().message());
      continue;
    }
    credentials.insert(credentials.end(), parsed->begin(), parsed->end());
  }
  return credentials;
}

}  // namespace mini::cluster::kubelet::pods
