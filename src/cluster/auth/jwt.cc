#include "cluster/auth/jwt.h"

#include <boost/json.hpp>

namespace mini::cluster::auth {
namespace json = boost::json;

namespace {

Status Rejected(std::string_view why) {
  return Status(Code::kPermissionDenied, "invalid bearer token: " + std::string(why));
}

Result<json::object> DecodeObject(std::string_view part, std::string_view what) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes.ok()) return Rejected(std::string(what) + " is not base64url");
  boost::system::error_code error;
  json::value value = json::parse(*bytes, error);
  if (error || !value.is_object()) return Rejected(std::string(what) + " is not a JSON object");
  return std::move(value.as_object());
}

}  // namespace

Result<std::string> SignJwt(const SigningKey& key, const json::object& claims) {
  json::object header{{"alg", "RS256"}, {"kid", key.key_id()}};
  std::string signed_part =
      Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(claims));
  MINI_ASSIGN_OR_RETURN(std::string signature, key.Sign(signed_part));
  return signed_part + "." + Base64UrlEncode(signature);
}

Result<json::object> VerifyJwt(const SigningKey& key, std::string_view token) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Rejected("not a JWT (three dot-separated parts)");
  }
  MINI_ASSIGN_OR_RETURN(json::object header, DecodeObject(token.substr(0, first), "header"));
  // Checking alg before the signature closes the "alg: none" and algorithm-confusion holes.
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "RS256") {
    return Rejected("unsupported signing algorithm");
  }
  if (const json::value* kid = header.if_contains("kid");
      kid != nullptr && (!kid->is_string() || kid->get_string() != key.key_id())) {
    return Rejected("signed by an unknown key");
  }
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!signature.ok() || !key.Verify(token.substr(0, second), *signature)) {
    return Rejected("signature does not verify");
  }
  return DecodeObject(token.substr(first + 1, second - first - 1), "claims");
}

}  // namespace mini::cluster::auth
