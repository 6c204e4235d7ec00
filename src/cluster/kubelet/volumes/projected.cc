#include "cluster/kubelet/volumes/projected.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json.hpp>

#include "cluster/kubelet/volumes/downward_api.h"
#include "cluster/kubelet/volumes/key_projection.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
using registry::IntAt;
using registry::ObjectAt;
using registry::StringAt;

namespace {

constexpr int64_t kDefaultTokenSeconds = 3600;

Status ProjectToken(const json::object& pod, const json::object& source, mode_t mode,
                    const VolumeSources& from, TokenCache& tokens, Projection& out) {
  if (from.api == nullptr) {
    return Status(Code::kUnavailable, "service-account tokens cannot be requested on this node");
  }
  TokenRequest request;
  request.name_space = StringAt(pod, "metadata.namespace");
  request.service_account = StringAt(pod, "spec.serviceAccountName");
  if (request.service_account.empty()) request.service_account = "default";
  if (std::string audience = StringAt(source, "audience"); !audience.empty()) {
    request.audiences.push_back(audience);
  }
  request.expiration_seconds = IntAt(source, "expirationSeconds", kDefaultTokenSeconds);
  request.pod_name = StringAt(pod, "metadata.name");
  request.pod_uid = StringAt(pod, "metadata.uid");
  MINI_ASSIGN_OR_RETURN(std::string token, tokens.Get(from.api, request));
  out[StringAt(source, "path")] = {std::move(token), mode};
  return Status::Ok();
}

}  // namespace

Result<std::string> TokenCache::Get(VolumeApi* api, const TokenRequest& request) {
  std::string key =
      fmt::format("{}/{}/{}/{}", request.service_account, fmt::join(request.audiences, ","),
                  request.expiration_seconds, request.pod_uid);
  auto now = std::chrono::system_clock::now();
  if (auto it = entries_.find(key); it != entries_.end() && now < it->second.refresh) {
    return it->second.token.token;
  }
  MINI_ASSIGN_OR_RETURN(Token token, api->RequestToken(request));
  auto refresh = now + (token.expires - now) * 8 / 10;
  entries_[key] = {token, refresh};
  return token.token;
}

Status ProjectSources(const json::object& pod, const json::object& source,
                      const pods::Sandbox& sandbox, const VolumeSources& from, TokenCache& tokens,
                      Projection& out) {
  const mode_t mode = ModeAt(source, "defaultMode", 0644);
  const std::string name_space = StringAt(pod, "metadata.namespace");
  const json::value* sources = source.if_contains("sources");
  if (sources == nullptr || !sources->is_array()) return Status::Ok();
  for (const json::value& item : sources->get_array()) {
    if (!item.is_object()) continue;
    const json::object& one = item.get_object();
    if (const json::object* config = ObjectAt(one, "configMap")) {
      MINI_RETURN_IF_ERROR(ProjectKeys(*config, pods::ConfigSource::Kind::kConfigMap, name_space,
                                       from.env.config, mode, out));
    } else if (const json::object* secret = ObjectAt(one, "secret")) {
      // A projected secret names its object "name", a secret volume "secretName".
      json::object named = *secret;
      named["secretName"] = StringAt(*secret, "name");
      MINI_RETURN_IF_ERROR(ProjectKeys(named, pods::ConfigSource::Kind::kSecret, name_space,
                                       from.env.config, mode, out));
    } else if (const json::object* downward = ObjectAt(one, "downwardAPI")) {
      MINI_RETURN_IF_ERROR(ProjectDownward(pod, *downward, sandbox, from.env, mode, out));
    } else if (const json::object* token = ObjectAt(one, "serviceAccountToken")) {
      MINI_RETURN_IF_ERROR(ProjectToken(pod, *token, mode, from, tokens, out));
    } else {
      return Status(Code::kInvalidArgument, "a projected volume source of an unsupported kind");
    }
  }
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::volumes
