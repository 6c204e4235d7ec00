// Service-account tokens in the API server: issuing them (POST serviceaccounts/<name>/token,
// what `kubectl create token` and the kubelet call), checking them on requests and in
// TokenReviews, and publishing the key that verifies them through the OIDC discovery
// documents Kubernetes serves (/.well-known/openid-configuration and /openid/v1/jwks).
//
// A token is only as alive as what it names: the service account (same uid) and, when bound,
// the Pod, Secret or Node. Deleting any of them revokes the token at once, so authentication
// looks them up in the registry on every request (a map lookup in the datastore's index).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/apiserver/authn.h"
#include "cluster/apiserver/router.h"
#include "cluster/auth/service_account_token.h"
#include "cluster/registry/registry.h"

namespace mini::cluster::apiserver::rest {

class ServiceAccountTokens final : public TokenAuthenticator {
 public:
  /// Both must outlive this.
  ServiceAccountTokens(registry::Registry& registry, const auth::TokenIssuer& issuer);

  /// For API requests: the token must be meant for the API server's audiences.
  Result<UserInfo> Authenticate(std::string_view token) const override;

  /// Issues a token for service account `name` in `name_space` as `request` (a TokenRequest)
  /// asks, returning the TokenRequest with its defaults and status filled in. NotFound when
  /// the account or the bound object does not exist, Invalid for a bad spec.
  Result<boost::json::object> Issue(const std::string& name_space, const std::string& name,
                                    boost::json::object request) const;

  /// Answers a TokenReview: status.authenticated with the user, or the reason in status.error.
  boost::json::object Review(boost::json::object review) const;

 private:
  Result<UserInfo> AuthenticateFor(std::string_view token,
                                   const std::vector<std::string>& audiences) const;
  Result<boost::json::object> Lookup(std::string_view resource, const std::string& name_space,
                                     const std::string& name) const;

  registry::Registry& registry_;
  const auth::TokenIssuer& issuer_;
  std::vector<std::string> audiences_;
};

/// Serves the OIDC discovery document and the JSON Web Key Set, for authenticated users as
/// Kubernetes does by default. `public_url` is where clients reach this server.
void InstallIssuerDiscovery(Router& router, const auth::TokenIssuer& issuer,
                            const std::string& public_url);

}  // namespace mini::cluster::apiserver::rest
