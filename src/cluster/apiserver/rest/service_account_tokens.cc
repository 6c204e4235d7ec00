#include "cluster/apiserver/rest/service_account_tokens.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdint>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/errors.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
using registry::StringAt;
using std::chrono::system_clock;

namespace {

// Kubernetes' bounds and default for a requested lifetime.
constexpr int64_t kMinExpirationSeconds = 600;
constexpr int64_t kMaxExpirationSeconds = int64_t{1} << 32;
constexpr int64_t kDefaultExpirationSeconds = 3600;

constexpr std::string_view kExtraPrefix = "authentication.kubernetes.io/";

registry::Subject TokenRequestSubject(const std::string& name) {
  return registry::Subject{"authentication.k8s.io", "tokenrequests", "TokenRequest", name};
}

// The storage and namespace of each kind a token can be bound to.
struct BoundKind {
  std::string_view kind;
  std::string_view resource;
  bool namespaced;
  std::string_view extra;  // the user's extra keys naming the object; none for Secrets
};
constexpr BoundKind kBoundKinds[] = {{"Pod", "pods", true, "pod"},
                                     {"Secret", "secrets", true, ""},
                                     {"Node", "nodes", false, "node"}};

const BoundKind* FindBoundKind(std::string_view kind) {
  for (const BoundKind& bound : kBoundKinds) {
    if (bound.kind == kind) return &bound;
  }
  return nullptr;
}

Status Revoked(std::string why) {
  return Status(Code::kPermissionDenied, "invalid bearer token: " + std::move(why));
}

std::vector<std::string> Strings(const json::value* value) {
  std::vector<std::string> out;
  if (value != nullptr && value->is_array()) {
    for (const json::value& item : value->get_array()) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

json::array ToArray(const std::vector<std::string>& strings) {
  json::array out;
  for (const std::string& s : strings) out.emplace_back(s);
  return out;
}

// The lifetime a TokenRequest asks for, defaulted and checked as Kubernetes does.
Result<int64_t> ExpirationOf(const json::object& spec, const std::string& name) {
  const json::value* value = spec.if_contains("expirationSeconds");
  if (value == nullptr || value->is_null()) return kDefaultExpirationSeconds;
  if (!value->is_int64() && !value->is_uint64()) {
    return registry::InvalidError(TokenRequestSubject(name),
                                  {registry::Invalid("spec.expirationSeconds", *value,
                                                     "must be an integer number of seconds")});
  }
  int64_t seconds = value->to_number<int64_t>();
  if (seconds < kMinExpirationSeconds || seconds > kMaxExpirationSeconds) {
    std::string detail = seconds < kMinExpirationSeconds
                             ? "may not specify a duration less than 10 minutes"
                             : "may not specify a duration larger than 2^32 seconds";
    return registry::InvalidError(TokenRequestSubject(name),
                                  {registry::Invalid("spec.expirationSeconds", seconds, detail)});
  }
  return seconds;
}

}  // namespace

ServiceAccountTokens::ServiceAccountTokens(registry::Registry& registry,
                                           const auth::TokenIssuer& issuer)
    : registry_(registry), issuer_(issuer), audiences_{issuer.issuer()} {}

Result<json::object> ServiceAccountTokens::Lookup(std::string_view resource,
                                                  const std::string& name_space,
                                                  const std::string& name) const {
  registry::Storage* storage = registry_.Find("", "v1", resource);
  if (storage == nullptr) return Status(Code::kInternal, fmt::format("{} are not served", resource));
  return storage->Get(name_space, name);
}

Result<UserInfo> ServiceAccountTokens::Authenticate(std::string_view token) const {
  return AuthenticateFor(token, audiences_);
}

Result<UserInfo> ServiceAccountTokens::AuthenticateFor(
    std::string_view token, const std::vector<std::string>& audiences) const {
  MINI_ASSIGN_OR_RETURN(auth::ServiceAccountClaims claims,
                        issuer_.Validate(token, audiences, system_clock::now()));
  auto account = Lookup("serviceaccounts", claims.name_space, claims.name);
  if (!account.ok()) {
    return Revoked(fmt::format("service account {}/{} does not exist", claims.name_space,
                               claims.name));
  }
  if (!claims.uid.empty() && StringAt(*account, "metadata.uid") != claims.uid) {
    return Revoked(fmt::format("service account {}/{} was deleted and recreated",
                               claims.name_space, claims.name));
  }
  UserInfo user{auth::ServiceAccountUserName(claims.name_space, claims.name),
                auth::ServiceAccountGroups(claims.name_space), true,
                StringAt(*account, "metadata.uid"), {}};
  if (claims.bound) {
    const BoundKind* kind = FindBoundKind(claims.bound->kind);
    auto object = Lookup(kind->resource, kind->namespaced ? claims.name_space : "",
                         claims.bound->name);
    if (!object.ok() || StringAt(*object, "metadata.uid") != claims.bound->uid) {
      return Revoked(fmt::format("the {} the token is bound to no longer exists",
                                 claims.bound->kind));
    }
    if (!StringAt(*object, "metadata.deletionTimestamp").empty()) {
      return Revoked(fmt::format("the {} the token is bound to is being deleted",
                                 claims.bound->kind));
    }
    if (!kind->extra.empty()) {
      std::string prefix = fmt::format("{}{}-", kExtraPrefix, kind->extra);
      user.extra[prefix + "name"] = {claims.bound->name};
      user.extra[prefix + "uid"] = {claims.bound->uid};
    }
  }
  if (!claims.token_id.empty()) {
    user.extra[std::string(kExtraPrefix) + "credential-id"] = {"JTI=" + claims.token_id};
  }
  return user;
}

Result<json::object> ServiceAccountTokens::Issue(const std::string& name_space,
                                                 const std::string& name,
                                                 json::object request) const {
  MINI_ASSIGN_OR_RETURN(json::object account, Lookup("serviceaccounts", name_space, name));
  json::object spec;
  if (const json::value* given = request.if_contains("spec"); given && given->is_object()) {
    spec = given->get_object();
  }
  auth::ServiceAccountClaims claims;
  claims.name_space = name_space;
  claims.name = name;
  claims.uid = StringAt(account, "metadata.uid");
  claims.audiences = Strings(spec.if_contains("audiences"));
  if (claims.audiences.empty()) claims.audiences = audiences_;
  MINI_ASSIGN_OR_RETURN(int64_t seconds, ExpirationOf(spec, name));

  if (const json::value* ref = spec.if_contains("boundObjectRef"); ref && ref->is_object()) {
    json::object bound_ref = ref->get_object();
    std::string kind = StringAt(bound_ref, "kind");
    const BoundKind* bound = FindBoundKind(kind);
    registry::FieldErrors errors;
    if (bound == nullptr) {
      errors.push_back(registry::NotSupported("spec.boundObjectRef.kind", json::string(kind),
                                              {"Node", "Pod", "Secret"}));
    }
    std::string api_version = StringAt(bound_ref, "apiVersion");
    if (!api_version.empty() && api_version != "v1") {
      errors.push_back(registry::NotSupported("spec.boundObjectRef.apiVersion", json::string(api_version),
                                              {"v1"}));
    }
    if (StringAt(bound_ref, "name").empty()) {
      errors.push_back(registry::Required("spec.boundObjectRef.name"));
    }
    if (!errors.empty()) return registry::InvalidError(TokenRequestSubject(name), errors);
    std::string bound_name = StringAt(bound_ref, "name");
    MINI_ASSIGN_OR_RETURN(json::object object,
                          Lookup(bound->resource, bound->namespaced ? name_space : "", bound_name));
    std::string uid = StringAt(object, "metadata.uid");
    std::string given_uid = StringAt(bound_ref, "uid");
    if (!given_uid.empty() && given_uid != uid) {
      return registry::ConflictError(
          registry::Subject{"", std::string(bound->resource), kind, bound_name},
          fmt::format("the UID in the bound object reference ({}) does not match the UID in "
                      "record. The object might have been deleted and then recreated",
                      given_uid));
    }
    bound_ref["apiVersion"] = "v1";
    bound_ref["uid"] = uid;
    claims.bound = auth::ObjectReference{kind, bound_name, uid};
    spec["boundObjectRef"] = std::move(bound_ref);
  }

  auto now = std::chrono::time_point_cast<std::chrono::seconds>(system_clock::now());
  claims.issued_at = now;
  claims.expires_at = now + std::chrono::seconds(seconds);
  claims.token_id = mini::api::meta::NewUid();
  MINI_ASSIGN_OR_RETURN(std::string token, issuer_.Issue(claims));

  spec["audiences"] = ToArray(claims.audiences);
  spec["expirationSeconds"] = seconds;
  return json::object{
      {"kind", "TokenRequest"},
      {"apiVersion", "authentication.k8s.io/v1"},
      {"metadata", json::object{{"name", name},
                                {"namespace", name_space},
                                {"creationTimestamp", mini::api::meta::Rfc3339(now)}}},
      {"spec", std::move(spec)},
      {"status", json::object{{"token", std::move(token)},
                              {"expirationTimestamp",
                               mini::api::meta::Rfc3339(claims.expires_at)}}}};
}

json::object ServiceAccountTokens::Review(json::object review) const {
  const json::object* spec = registry::ObjectAt(review, "spec");
  std::string token = spec ? StringAt(*spec, "token") : "";
  std::vector<std::string> audiences = spec ? Strings(spec->if_contains("audiences")) : audiences_;
  if (audiences.empty()) audiences = audiences_;
  json::object status;
  auto user = AuthenticateFor(token, audiences);
  if (user.ok()) {
    status["authenticated"] = true;
    status["user"] = UserInfoJson(*user);
    status["audiences"] = ToArray(audiences);
  } else {
    status["user"] = json::object();
    status["error"] = user.status().message();
  }
  review["status"] = std::move(status);
  return review;
}

void InstallIssuerDiscovery(Router& router, const auth::TokenIssuer& issuer,
                            const std::string& public_url) {
  json::object configuration{{"issuer", issuer.issuer()},
                             {"jwks_uri", public_url + "/openid/v1/jwks"},
                             {"response_types_supported", json::array{"id_token"}},
                             {"subject_types_supported", json::array{"public"}},
                             {"id_token_signing_alg_values_supported", json::array{"RS256"}}};
  std::string configuration_body = json::serialize(configuration);
  std::string keys_body =
      json::serialize(json::object{{"keys", json::array{issuer.key().PublicJwk()}}});
  router.Handle("GET", "/.well-known/openid-configuration", [configuration_body](const Request&) {
    Response response{200, "application/json", configuration_body};
    return response;
  });
  router.Handle("GET", "/openid/v1/jwks", [keys_body](const Request&) {
    Response response{200, "application/jwk-set+json", keys_body};
    return response;
  });
}

}  // namespace mini::cluster::apiserver::rest
