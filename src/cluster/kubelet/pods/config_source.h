// The ConfigMaps and Secrets a container's environment draws from (volumes will too). An
// interface so container configuration is tested without a server.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cluster/client/client.h"
#include "common/status.h"

namespace mini::cluster::kubelet::pods {

class ConfigSource {
 public:
  enum class Kind { kConfigMap, kSecret };
  virtual ~ConfigSource() = default;
  /// The object's keys and values (a ConfigMap's data and binaryData, a Secret's data
  /// decoded); kNotFound when the object does not exist.
  virtual Result<std::map<std::string, std::string>> Data(Kind kind, const std::string& name_space,
                                                          const std::string& name) = 0;
};

/// Reads them through the API server, as the kubelet does at each container start.
std::unique_ptr<ConfigSource> NewApiConfigSource(client::Client& client);

/// RFC 4648 base64, as Secret data is encoded. kInvalidArgument for anything else.
Result<std::string> DecodeBase64(std::string_view text);

}  // namespace mini::cluster::kubelet::pods
