// What volumes read from the API server beyond ConfigMaps and Secrets: claims and the volumes
// bound to them, and service-account tokens (the TokenRequest subresource). An interface so
// volumes are tested without a server.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cluster/client/client.h"
#include "common/status.h"

namespace mini::cluster::kubelet::volumes {

struct TokenRequest {
  std::string name_space;
  std::string service_account;
  std::vector<std::string> audiences;  // empty: the API server's
  int64_t expiration_seconds = 3600;
  std::string pod_name;  // the pod the token is bound to
  std::string pod_uid;
};

struct Token {
  std::string token;
  std::chrono::system_clock::time_point expires;
};

class VolumeApi {
 public:
  virtual ~VolumeApi() = default;
  /// The PersistentVolumeClaim; kNotFound when it does not exist.
  virtual Result<boost::json::object> Claim(const std::string& name_space,
                                            const std::string& name) = 0;
  /// The PersistentVolume; kNotFound when it does not exist.
  virtual Result<boost::json::object> PersistentVolume(const std::string& name) = 0;
  /// A token for the pod's service account, bound to the pod.
  virtual Result<Token> RequestToken(const TokenRequest& request) = 0;
};

/// Asks the API server through `client`.
std::unique_ptr<VolumeApi> NewApiVolumeSource(client::Client& client);

}  // namespace mini::cluster::kubelet::volumes
