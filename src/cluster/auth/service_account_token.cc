#include "cluster/auth/service_account_token.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/auth/jwt.h"

namespace mini::cluster::auth {
namespace json = boost::json;
using std::chrono::system_clock;

namespace {

// Kubernetes tolerates this much disagreement between the issuer's clock and the verifier's.
constexpr std::chrono::seconds kLeeway{60};

// The private claim holding what Kubernetes adds to the registered ones.
constexpr std::string_view kPrivateClaim = "kubernetes.io";

Status Rejected(std::string why) {
  return Status(Code::kPermissionDenied, "invalid bearer token: " + std::move(why));
}

int64_t Seconds(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::string StringOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

const json::object* ObjectOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

std::optional<system_clock::time_point> TimeOf(const json::object& claims, std::string_view key) {
  const json::value* value = claims.if_contains(key);
  if (value == nullptr || !(value->is_int64() || value->is_uint64() || value->is_double())) {
    return std::nullopt;
  }
  return system_clock::time_point(std::chrono::seconds(value->to_number<int64_t>()));
}

// Lower-case claim key Kubernetes uses for each kind a token can be bound to.
std::string ClaimKeyOf(std::string_view kind) {
  std::string key(kind);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  return key;
}

std::vector<std::string> AudiencesOf(const json::object& claims) {
  std::vector<std::string> audiences;
  const json::value* aud = claims.if_contains("aud");
  if (aud == nullptr) return audiences;
  if (aud->is_string()) audiences.emplace_back(aud->get_string());  // RFC 7519 allows either
  if (aud->is_array()) {
    for (const json::value& item : aud->get_array()) {
      if (item.is_string()) audiences.emplace_back(item.get_string());
    }
  }
  return audiences;
}

}  // namespace

Result<std::string> TokenIssuer::Issue(const ServiceAccountClaims& claims) const {
  json::array audiences;
  for (const std::string& audience : claims.audiences) audiences.emplace_back(audience);
  json::object kubernetes{
      {"namespace", claims.name_space},
      {"serviceaccount", json::object{{"name", claims.name}, {"uid", claims.uid}}}};
  if (claims.bound) {
    kubernetes[ClaimKeyOf(claims.bound->kind)] =
        json::object{{"name", claims.bound->name}, {"uid", claims.bound->uid}};
  }
  json::object payload{{"aud", std::move(audiences)},
                       {"exp", Seconds(claims.expires_at)},
                       {"iat", Seconds(claims.issued_at)},
                       {"iss", issuer_},
                       {"jti", claims.token_id},
                       {kPrivateClaim, std::move(kubernetes)},
                       {"nbf", Seconds(claims.issued_at)},
                       {"sub", ServiceAccountUserName(claims.name_space, claims.name)}};
  return SignJwt(key_, payload);
}

Result<ServiceAccountClaims> TokenIssuer::Validate(std::string_view token,
                                                   const std::vector<std::string>& audiences,
                                                   system_clock::time_point now) const {
  MINI_ASSIGN_OR_RETURN(json::object payload, VerifyJwt(key_, token));
  if (StringOf(payload, "iss") != issuer_) return Rejected("issued by someone else");
  ServiceAccountClaims claims;
  claims.audiences = AudiencesOf(payload);
  bool audience_ok = std::any_of(claims.audiences.begin(), claims.audiences.end(),
                                 [&](const std::string& audience) {
                                   return std::find(audiences.begin(), audiences.end(),
                                                    audience) != audiences.end();
                                 });
  if (!audience_ok) return Rejected("not meant for this audience");
  auto expires = TimeOf(payload, "exp");
  if (!expires) return Rejected("no expiry");
  if (now > *expires + kLeeway) return Rejected("expired");
  if (auto not_before = TimeOf(payload, "nbf"); not_before && now + kLeeway < *not_before) {
    return Rejected("not valid yet");
  }
  claims.expires_at = *expires;
  claims.issued_at = TimeOf(payload, "iat").value_or(system_clock::time_point{});
  claims.token_id = StringOf(payload, "jti");

  const json::object* kubernetes = ObjectOf(payload, kPrivateClaim);
  const json::object* account = kubernetes ? ObjectOf(*kubernetes, "serviceaccount") : nullptr;
  if (account == nullptr) return Rejected("not a service-account token");
  claims.name_space = StringOf(*kubernetes, "namespace");
  claims.name = StringOf(*account, "name");
  claims.uid = StringOf(*account, "uid");
  if (claims.name_space.empty() || claims.name.empty() ||
      StringOf(payload, "sub") != ServiceAccountUserName(claims.name_space, claims.name)) {
    return Rejected("inconsistent service-account claims");
  }
  for (std::string_view kind : {"Pod", "Secret", "Node"}) {
    if (const json::object* bound = ObjectOf(*kubernetes, ClaimKeyOf(kind))) {
      claims.bound = ObjectReference{std::string(kind), StringOf(*bound, "name"),
                                     StringOf(*bound, "uid")};
      break;
    }
  }
  return claims;
}

std::string ServiceAccountUserName(std::string_view name_space, std::string_view name) {
  return fmt::format("system:serviceaccount:{}:{}", name_space, name);
}

std::vector<std::string> ServiceAccountGroups(std::string_view name_space) {
  return {"system:serviceaccounts", fmt::format("system:serviceaccounts:{}", name_space),
          "system:authenticated"};
}

}  // namespace mini::cluster::auth
