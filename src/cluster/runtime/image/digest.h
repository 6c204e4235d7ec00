// Content digests as OCI spells them ("sha256:<64 hex>") and a streaming SHA-256 that hashes
// data as it passes, so no blob ever has to be held whole to be verified.
#pragma once

#include <compare>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace mini::cluster::runtime::image {

/// A sha256 digest. Other algorithms are refused: every registry and image tool in use writes
/// sha256, and accepting what cannot be verified would defeat the point of a digest.
class Digest {
 public:
  /// "sha256:<64 lowercase hex>"; kInvalidArgument otherwise.
  static Result<Digest> Parse(std::string_view text);
  /// 64 lowercase hex digits without the algorithm prefix.
  static Result<Digest> FromHex(std::string_view hex);

  Digest() = default;
  bool empty() const { return hex_.empty(); }
  const std::string& hex() const { return hex_; }
  std::string String() const { return "sha256:" + hex_; }

  auto operator<=>(const Digest&) const = default;

 private:
  std::string hex_;
};

/// True for exactly 64 lowercase hex digits.
bool IsSha256Hex(std::string_view hex);

/// SHA-256 over data given in pieces. Not thread-safe; one object per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  /// The digest of everything passed so far; the object must not be updated afterwards.
  Digest Finish();

 private:
  evp_md_ctx_st* ctx_;
};

Digest Sha256Of(std::string_view data);

}  // namespace mini::cluster::runtime::image
