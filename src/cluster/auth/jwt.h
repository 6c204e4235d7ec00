// Compact JSON Web Tokens (RFC 7519) signed with a SigningKey: header.claims.signature, each
// part base64url. Only what service-account tokens need: RS256, one key, JSON object claims.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "cluster/auth/signing_key.h"
#include "common/status.h"

namespace mini::cluster::auth {

/// A signed token carrying `claims`, with header {"alg":"RS256","kid":<key id>}.
Result<std::string> SignJwt(const SigningKey& key, const boost::json::object& claims);

/// The claims of `token` when it is a well-formed RS256 JWT that `key` signed. Says nothing of
/// expiry or audience; the caller judges the claims. kPermissionDenied otherwise, with a message
/// for logs (never shown to the client, which learns only that it is unauthorized).
Result<boost::json::object> VerifyJwt(const SigningKey& key, std::string_view token);

}  // namespace mini::cluster::auth
