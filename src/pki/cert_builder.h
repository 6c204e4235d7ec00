// Internal to src/pki: minting keys and X.509 certificates in memory. Nothing is written here,
// so callers can produce a whole key pair before touching any file.
#pragma once

#include "common/status.h"
#include "pki/openssl_util.h"
#include "pki/pki.h"

namespace mini::pki::detail {

enum class CertKind { kCa, kServing, kClient };

struct CertSpec {
  CertKind kind;
  Subject subject;
  Names names;  // only used for kServing
  Validity validity;
};

/// Rejects what would make an unusable certificate (bad IP text, empty names, no lifetime)
/// before any key is generated.
Status ValidateSpec(const CertSpec& spec);

/// A fresh ECDSA P-256 key.
Result<PkeyPtr> GenerateKey();

/// Certificate for `key` described by `spec`, signed by `issuer_key` and naming `issuer_cert` as
/// issuer; both null for a self-signed CA.
Result<X509Ptr> BuildCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer_cert,
                          EVP_PKEY* issuer_key);

}  // namespace mini::pki::detail
