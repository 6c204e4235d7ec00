#include "cluster/auth/signing_key.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <boost/json.hpp>
#include <system_error>

#include "common/files.h"

namespace mini::cluster::auth {
namespace {

namespace json = boost::json;

template <auto kFree>
struct Freer {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Freer<BIO_free_all>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Freer<EVP_MD_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Freer<BN_free>>;

constexpr unsigned kRsaBits = 2048;

// OpenSSL reports causes on a thread-local queue; draining it keeps the next failure's message
// about that failure.
Status OpenSslError(std::string_view what, Code code = Code::kInternal) {
  std::string causes;
  while (unsigned long error = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(error, text, sizeof(text));
    causes += causes.empty() ? text : std::string("; ") + text;
  }
  return Status(code, causes.empty() ? std::string(what) : fmt::format("{}: {}", what, causes));
}

Result<std::string> PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("encoding the service-account signing key");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

Result<std::string> PublicKeyDer(EVP_PKEY* key) {
  int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return OpenSslError("encoding the public key");
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(key, &out) != length) return OpenSslError("encoding the public key");
  return der;
}

std::string BignumParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return "";
  BignumPtr number(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(number.get())), '\0');
  BN_bn2bin(number.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

}  // namespace

struct SigningKey::Key {
  PkeyPtr pkey;
};

SigningKey::SigningKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
SigningKey::~SigningKey() = default;

Result<std::unique_ptr<SigningKey>> SigningKey::Generate() {
  auto key = std::make_unique<Key>();
  key->pkey.reset(EVP_RSA_gen(kRsaBits));
  if (!key->pkey) return OpenSslError("generating the service-account signing key");
  return Adopt(std::move(key));
}

Result<std::unique_ptr<SigningKey>> SigningKey::Adopt(std::unique_ptr<Key> key) {
  MINI_ASSIGN_OR_RETURN(std::string der, PublicKeyDer(key->pkey.get()));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
  std::unique_ptr<SigningKey> signing(new SigningKey(std::move(key)));
  signing->key_id_ =
      Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
  return signing;
}

Result<std::unique_ptr<SigningKey>> SigningKey::LoadOrCreate(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    MINI_ASSIGN_OR_RETURN(auto key, Generate());
    MINI_ASSIGN_OR_RETURN(std::string pem, PrivateKeyPem(key->key_->pkey.get()));
    MINI_RETURN_IF_ERROR(AtomicWriteFile(path, pem, 0600));
    return key;
  }
  MINI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto loaded = std::make_unique<Key>();
  loaded->pkey.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  const std::string what = fmt::format("reading the service-account signing key {}", path.string());
  if (!loaded->pkey) return OpenSslError(what, Code::kInvalidArgument);
  if (EVP_PKEY_get_base_id(loaded->pkey.get()) != EVP_PKEY_RSA) {
    return Status(Code::kInvalidArgument, what + ": not an RSA key")
        .WithAdvice("remove the file to have a new key generated");
  }
  return Adopt(std::move(loaded));
}

Result<std::string> SigningKey::Sign(std::string_view data) const {
  MdCtxPtr context(EVP_MD_CTX_new());
  size_t length = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return OpenSslError("signing a token");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return OpenSslError("signing a token");
  }
  signature.resize(length);
  return signature;
}

bool SigningKey::Verify(std::string_view data, std::string_view signature) const {
  MdCtxPtr context(EVP_MD_CTX_new());
  bool valid =
      context &&
      EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) == 1 &&
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  ERR_clear_error();  // a bad signature is an answer, not an error to report later
  return valid;
}

json::object SigningKey::PublicJwk() const {
  return json::object{{"use", "sig"},
                      {"kty", "RSA"},
                      {"kid", key_id_},
                      {"alg", "RS256"},
                      {"n", Base64UrlEncode(BignumParam(key_->pkey.get(), OSSL_PKEY_PARAM_RSA_N))},
                      {"e", Base64UrlEncode(BignumParam(key_->pkey.get(), OSSL_PKEY_PARAM_RSA_E))}};
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(length));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (c == '+' || c == '/') {
      return Status(Code::kInvalidArgument, "not base64url: contains '+' or '/'");
    }
  }
  if (standard.size() % 4 == 1) return Status(Code::kInvalidArgument, "not base64url: bad length");
  size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::string bytes(standard.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                               reinterpret_cast<const unsigned char*>(standard.data()),
                               static_cast<int>(standard.size()));
  if (length < 0) {
    ERR_clear_error();
    return Status(Code::kInvalidArgument, "not base64url");
  }
  // EVP_DecodeBlock counts the zero bytes that padding stands for; they are not data.
  bytes.resize(static_cast<size_t>(length) - padding);
  return bytes;
}

}  // namespace mini::cluster::auth
