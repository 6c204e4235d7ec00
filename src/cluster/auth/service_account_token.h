// Service-account tokens as Kubernetes issues them through the TokenRequest API: a JWT whose
// claims name the issuer, the audiences, the lifetime, the service account (namespace, name,
// uid) and optionally the object the token is bound to (a Pod, Secret or Node), so that it
// dies with that object. Pods read the public key at /openid/v1/jwks to verify them offline.
//
// This layer knows the claims and their checks; whether the service account and the bound
// object still exist is the API server's question (it holds the registry).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/auth/signing_key.h"
#include "common/status.h"

namespace mini::cluster::auth {

/// The issuer of tokens, and their default audience, as in a kubeadm or kind cluster.
inline constexpr std::string_view kDefaultIssuer = "https://kubernetes.default.svc.cluster.local";

struct ObjectReference {
  std::string kind;  // "Pod", "Secret" or "Node"
  std::string name;
  std::string uid;
};

struct ServiceAccountClaims {
  std::string name_space;
  std::string name;
  std::string uid;
  std::optional<ObjectReference> bound;
  std::vector<std::string> audiences;
  std::chrono::system_clock::time_point issued_at;
  std::chrono::system_clock::time_point expires_at;
  std::string token_id;  // the jti claim; appears in audit logs as the credential's id
};

class TokenIssuer {
 public:
  /// `key` must outlive the issuer.
  TokenIssuer(const SigningKey& key, std::string issuer = std::string(kDefaultIssuer))
      : key_(key), issuer_(std::move(issuer)) {}

  const std::string& issuer() const { return issuer_; }
  const SigningKey& key() const { return key_; }

  Result<std::string> Issue(const ServiceAccountClaims& claims) const;

  /// The claims of `token` when this issuer signed it, it is valid at `now` (a minute of clock
  /// skew is allowed, as Kubernetes does) and one of its audiences is in `audiences`.
  /// kPermissionDenied with the reason otherwise.
  Result<ServiceAccountClaims> Validate(std::string_view token,
                                        const std::vector<std::string>& audiences,
                                        std::chrono::system_clock::time_point now) const;

 private:
  const SigningKey& key_;
  std::string issuer_;
};

/// "system:serviceaccount:<namespace>:<name>", the user name a token authenticates as.
std::string ServiceAccountUserName(std::string_view name_space, std::string_view name);
/// The groups of that user: all service accounts, those of its namespace, authenticated users.
std::vector<std::string> ServiceAccountGroups(std::string_view name_space);

}  // namespace mini::cluster::auth
