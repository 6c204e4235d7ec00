#include "cluster/runtime/image/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace mini::cluster::runtime::image {

bool IsSha256Hex(std::string_view hex) {
  if (hex.size() != 64) {
    return false;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Result<Digest> Digest::FromHex(std::string_view hex) {
  if (!IsSha256Hex(hex)) {
    return Error(Code::kInvalidArgument, "\"{}\" is not a sha256 digest (64 lowercase hex digits)",
                 hex);
  }
  Digest d;
  d.hex_ = std::string(hex);
  return d;
}

Result<Digest> Digest::Parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error(Code::kInvalidArgument, "digest \"{}\" lacks its algorithm (\"sha256:...\")",
                 text);
  }
  if (text.substr(0, colon) != "sha256") {
    return Error(Code::kInvalidArgument, "digest \"{}\": only sha256 is supported", text);
  }
  return FromHex(text.substr(colon + 1));
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Only allocation can fail here, and then nothing else would work either.
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const void* data, size_t size) {
  if (size > 0) {
    EVP_DigestUpdate(ctx_, data, size);
  }
}

Digest Sha256::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return Digest::FromHex(hex).value();
}

Digest Sha256Of(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.Finish();
}

}  // namespace mini::cluster::runtime::image
