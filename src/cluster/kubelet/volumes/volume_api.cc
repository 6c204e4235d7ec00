#include "cluster/kubelet/volumes/volume_api.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <ctime>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
using registry::StringAt;

namespace {

const client::Resource kClaims{"", "v1", "persistentvolumeclaims"};
const client::Resource kVolumes{"", "v1", "persistentvolumes"};
const client::Resource kServiceAccounts{"", "v1", "serviceaccounts"};

// RFC 3339 in UTC, as the server writes expirationTimestamp.
std::chrono::system_clock::time_point ParseTime(const std::string& text) {
  std::tm parts{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts) == nullptr) {
    return std::chrono::system_clock::now();  // unknown: refresh at the next chance
  }
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

class ApiVolumeSource final : public VolumeApi {
 public:
  explicit ApiVolumeSource(client::Client& client) : client_(client) {}

  Result<json::object> Claim(const std::string& name_space, const std::string& name) override {
    return Read(kClaims, name_space, name, "persistentvolumeclaim");
  }

  Result<json::object> PersistentVolume(const std::string& name) override {
    return Read(kVolumes, "", name, "persistentvolume");
  }

  Result<Token> RequestToken(const TokenRequest& request) override {
    json::object spec{{"expirationSeconds", request.expiration_seconds},
                      {"boundObjectRef", json::object{{"apiVersion", "v1"},
                                                      {"kind", "Pod"},
                                                      {"name", request.pod_name},
                                                      {"uid", request.pod_uid}}}};
    if (!request.audiences.empty()) {
      json::array audiences;
      for (const std::string& audience : request.audiences) audiences.emplace_back(audience);
      spec["audiences"] = std::move(audiences);
    }
    json::object body{{"apiVersion", "authentication.k8s.io/v1"},
                      {"kind", "TokenRequest"},
                      {"spec", std::move(spec)}};
    MINI_ASSIGN_OR_RETURN(json::object reply, client_.Post(kServiceAccounts, request.name_space,
                                                           request.service_account, "token", body));
    Token token{StringAt(reply, "status.token"),
                ParseTime(StringAt(reply, "status.expirationTimestamp"))};
    if (token.token.empty()) return Status(Code::kInternal, "the TokenRequest reply has no token");
    return token;
  }

 private:
  Result<json::object> Read(const client::Resource& resource, const std::string& name_space,
                            const std::string& name, std::string_view kind) {
    auto object = client_.Get(resource, name_space, name);
    if (!object.ok() && object.status().code() == Code::kNotFound) {
      return Error(Code::kNotFound, "{} \"{}\" not found", kind, name);
    }
    return object;
  }

  client::Client& client_;
};

}  // namespace

std::unique_ptr<VolumeApi> NewApiVolumeSource(client::Client& client) {
  return std::make_unique<ApiVolumeSource>(client);
}

}  // namespace mini::cluster::kubelet::volumes
