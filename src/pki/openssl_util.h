// Internal to src/pki: owning handles for OpenSSL objects, the conversion of OpenSSL's
// thread-local error queue into a Status, and the small PEM/time/IP conversions shared by the
// certificate builder and the public API. Nothing here is part of mini::pki's interface.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::pki::detail {

// OpenSSL objects are freed by type-specific functions; unique_ptr with this deleter makes every
// early return (and there are many, one per OpenSSL call that can fail) leak-free.
template <auto kFree>
struct Freer {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
template <typename T, auto kFree>
using Owned = std::unique_ptr<T, Freer<kFree>>;

using PkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = Owned<X509, X509_free>;
using BioPtr = Owned<BIO, BIO_free_all>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using GeneralNamePtr = Owned<GENERAL_NAME, GENERAL_NAME_free>;
using GeneralNamesPtr = Owned<GENERAL_NAMES, GENERAL_NAMES_free>;
using Asn1StringPtr = Owned<ASN1_STRING, ASN1_STRING_free>;
using StorePtr = Owned<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;

/// "<what>: <OpenSSL errors>", draining the thread's error queue so the next failure does not
/// report this one's causes.
Status OpenSslError(std::string_view what, Code code = Code::kInternal);

Result<std::string> KeyToPem(EVP_PKEY* key);
Result<std::string> CertToPem(X509* cert);
/// `source` names the file in error messages. Encrypted keys are rejected, never prompted for.
Result<PkeyPtr> KeyFromPem(std::string_view pem, const std::filesystem::path& source);
Result<X509Ptr> CertFromPem(std::string_view pem, const std::filesystem::path& source);

Result<std::chrono::system_clock::time_point> ToTimePoint(const ASN1_TIME* time);

/// Network-order bytes (4 or 16) of an IPv4/IPv6 literal; kInvalidArgument otherwise.
Result<std::string> IpToBytes(const std::string& text);
/// Inverse of IpToBytes; hex for a length that is neither 4 nor 16.
std::string IpFromBytes(std::string_view raw);

std::string Asn1ToString(const ASN1_STRING* str);

}  // namespace mini::pki::detail
