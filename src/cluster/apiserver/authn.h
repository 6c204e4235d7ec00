// Authentication, as Kubernetes does it: by TLS client certificate (the subject's CN is the user
// name and each O is a group) and by bearer token (`Authorization: Bearer ...`, e.g. a
// service-account token a pod presents).
#pragma once

#include <openssl/types.h>

#include <boost/json/fwd.hpp>
#include <string_view>

#include "cluster/apiserver/http.h"

namespace mini::cluster::apiserver {

/// The user of a connection whose handshake completed. A certificate that verified against the
/// client CA gives its CN and O values plus "system:authenticated"; no certificate, a failed
/// verification or an empty CN gives the anonymous user.
UserInfo UserFromConnection(SSL* ssl);

/// Checks bearer tokens. Implementations are thread-safe: every server thread calls them.
class TokenAuthenticator {
 public:
  virtual ~TokenAuthenticator() = default;
  /// The user `token` identifies; an error (any code) when it identifies nobody, which the
  /// client sees as 401 Unauthorized and the log sees with the message.
  virtual Result<UserInfo> Authenticate(std::string_view token) const = 0;
};

/// A user as Kubernetes' authentication.k8s.io UserInfo (username, uid, groups, extra).
boost::json::object UserInfoJson(const UserInfo& user);

}  // namespace mini::cluster::apiserver
