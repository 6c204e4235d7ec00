// The key the API server signs service-account tokens with, and publishes so that anyone can
// verify them (/openid/v1/jwks). RSA 2048 with RS256, the algorithm every JWT library and
// Kubernetes client knows; the key lives in the control plane's data directory, so tokens stay
// valid across restarts and no other process ever needs the private half.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::auth {

class SigningKey {
 public:
  /// Reads the PEM private key at `path`, or generates one there (0600, written atomically)
  /// when the file does not exist. kInvalidArgument when the file holds something else.
  static Result<std::unique_ptr<SigningKey>> LoadOrCreate(const std::filesystem::path& path);
  /// A fresh key kept only in memory, for tests.
  static Result<std::unique_ptr<SigningKey>> Generate();

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  /// RS256 signature (PKCS#1 v1.5 over SHA-256) of `data`.
  Result<std::string> Sign(std::string_view data) const;
  /// True when `signature` is this key's RS256 signature of `data`.
  bool Verify(std::string_view data, std::string_view signature) const;

  /// Names the key in token headers: base64url of the SHA-256 of the public key's DER form,
  /// the same derivation Kubernetes uses, so the value is stable for a given key.
  const std::string& key_id() const { return key_id_; }
  /// The public key as a JSON Web Key (RFC 7517: kty, alg, use, kid, n, e).
  boost::json::object PublicJwk() const;

 private:
  struct Key;
  explicit SigningKey(std::unique_ptr<Key> key);
  static Result<std::unique_ptr<SigningKey>> Adopt(std::unique_ptr<Key> key);

  std::unique_ptr<Key> key_;
  std::string key_id_;
};

/// RFC 4648 §5 base64url without padding, as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);
/// Inverse of Base64UrlEncode; accepts optional padding. kInvalidArgument on other characters.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace mini::cluster::auth
