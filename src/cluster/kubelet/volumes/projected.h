// projected volumes: configMap, secret, downwardAPI and serviceAccountToken sources written
// together into one directory. Tokens are kept and asked for anew once 80% of their lifetime
// has passed, as the kubelet rotates them.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <map>

#include "cluster/kubelet/pods/container_config.h"
#include "cluster/kubelet/volumes/atomic_writer.h"
#include "cluster/kubelet/volumes/volume_api.h"

namespace mini::cluster::kubelet::volumes {

/// The tokens of one pod, by what was asked.
class TokenCache {
 public:
  Result<std::string> Get(VolumeApi* api, const TokenRequest& request);

 private:
  struct Entry {
    Token token;
    std::chrono::system_clock::time_point refresh;
  };
  std::map<std::string, Entry> entries_;
};

/// What a pod's volumes draw from.
struct VolumeSources {
  pods::EnvSources env;      // ConfigMaps and Secrets, the node's capacity for resourceFieldRef
  VolumeApi* api = nullptr;  // claims and tokens; nullptr: volumes that need them fail
};

/// Adds the files of the projected volume source `source` (sources, defaultMode) to `out`.
Status ProjectSources(const boost::json::object& pod, const boost::json::object& source,
                      const pods::Sandbox& sandbox, const VolumeSources& from, TokenCache& tokens,
                      Projection& out);

}  // namespace mini::cluster::kubelet::volumes
