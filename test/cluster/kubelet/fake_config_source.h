// ConfigMaps and Secrets held in memory for the kubelet's tests, keyed by "namespace/name".
#pragma once

#include <map>
#include <string>

#include "cluster/kubelet/pods/config_source.h"

namespace mini::cluster::kubelet::fakes {

class FakeConfigSource : public pods::ConfigSource {
 public:
  std::map<std::string, std::map<std::string, std::string>> config_maps, secrets;

  Result<std::map<std::string, std::string>> Data(Kind kind, const std::string& name_space,
                                                  const std::string& name) override {
    auto& objects = kind == Kind::kSecret ? secrets : config_maps;
    auto it = objects.find(name_space + "/" + name);
    if (it == objects.end()) {
      return Status(Code::kNotFound,
                    (kind == Kind::kSecret ? "secret \"" : "configmap \"") + name + "\" not found");
    }
    return it->second;
  }
};

}  // namespace mini::cluster::kubelet::fakes
