#include "pki/pki.h"

#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/files.h"
#include "pki/cert_builder.h"
#include "pki/openssl_util.h"

namespace mini::pki {
namespace {
namespace fs = std::filesystem;
using detail::CertKind;
using detail::CertSpec;
using detail::PkeyPtr;
using detail::X509Ptr;

struct Loaded {
  X509Ptr cert;
  PkeyPtr key;
};

Result<X509Ptr> LoadCert(const fs::path& path) {
  MINI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  return detail::CertFromPem(pem, path);
}

bool KeyMatches(X509* cert, EVP_PKEY* key) { return EVP_PKEY_eq(X509_get0_pubkey(cert), key) == 1; }

// basicConstraints CA:TRUE specifically; OpenSSL also counts v1 roots and keyCertSign-only
// certificates as CAs, which Go's TLS stack (and so Kubernetes) does not.
bool IsCa(X509* cert) { return X509_check_ca(cert) == 1; }

bool ExpiresWithin(X509* cert, std::chrono::hours window) {
  auto not_after = detail::ToTimePoint(X509_get0_notAfter(cert));
  return !not_after.ok() || *not_after <= std::chrono::system_clock::now() + window;
}

// The pair on disk when both files parse and belong together; nullopt when it must be made
// anew. A read error other than "missing" is returned instead: replacing a CA because of, say,
// EACCES would silently invalidate every certificate it signed.
Result<std::optional<Loaded>> LoadPairIfUsable(const KeyPair& pair) {
  Result<std::string> cert_pem = ReadFile(pair.cert);
  Result<std::string> key_pem = ReadFile(pair.key);
  for (const Result<std::string>* read : {&cert_pem, &key_pem}) {
    if (!read->ok() && read->status().code() != Code::kNotFound) {
      return read->status();
    }
  }
  if (!cert_pem.ok() || !key_pem.ok()) {
    return std::optional<Loaded>();
  }
  Result<X509Ptr> cert = detail::CertFromPem(*cert_pem, pair.cert);
  Result<PkeyPtr> key = detail::KeyFromPem(*key_pem, pair.key);
  if (!cert.ok() || !key.ok() || !KeyMatches(cert->get(), key->get())) {
    return std::optional<Loaded>();
  }
  return std::optional<Loaded>(Loaded{std::move(*cert), std::move(*key)});
}

Result<Loaded> LoadIssuer(const KeyPair& ca) {
  MINI_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(ca.cert));
  MINI_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(ca.key));
  MINI_ASSIGN_OR_RETURN(PkeyPtr key, detail::KeyFromPem(key_pem, ca.key));
  if (!IsCa(cert.get())) {
    return Error(Code::kFailedPrecondition, "{} is not a CA certificate", ca.cert.string());
  }
  if (!KeyMatches(cert.get(), key.get())) {
    return Error(Code::kFailedPrecondition, "CA key {} does not belong to CA certificate {}",
                 ca.key.string(), ca.cert.string());
  }
  return Loaded{std::move(cert), std::move(key)};
}

Result<bool> Verifies(X509* cert, X509* ca) {
  detail::StorePtr store(X509_STORE_new());
  detail::StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1) {
    return detail::OpenSslError("setting up certificate verification");
  }
  // The given CA is the trust anchor even when it is not self-signed (an intermediate).
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_PARTIAL_CHAIN);
  int rc = X509_verify_cert(ctx.get());
  if (rc < 0) {
    return detail::OpenSslError("verifying certificate");
  }
  return rc == 1;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Names SubjectAltNames(X509* cert) {
  Names names;
  detail::GeneralNamesPtr list(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; list && i < sk_GENERAL_NAME_num(list.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(list.get(), i);
    if (name->type == GEN_DNS) {
      names.dns.push_back(detail::Asn1ToString(name->d.dNSName));
    } else if (name->type == GEN_IPADD) {
      names.ips.push_back(detail::IpFromBytes(detail::Asn1ToString(name->d.iPAddress)));
    }
  }
  return names;
}

// DNS names compare case-insensitively and IPs as bytes, so "::1" matches "0:0::1"; names the
// certificate has beyond those requested are harmless.
bool CoversNames(X509* cert, const Names& wanted) {
  Names have = SubjectAltNames(cert);
  for (const std::string& dns : wanted.dns) {
    auto same = [&](const std::string& h) { return Lower(h) == Lower(dns); };
    if (std::none_of(have.dns.begin(), have.dns.end(), same)) {
      return false;
    }
  }
  for (const std::string& ip : wanted.ips) {
    auto raw = detail::IpToBytes(ip);
    auto same = [&](const std::string& h) {
      auto h_raw = detail::IpToBytes(h);
      return raw.ok() && h_raw.ok() && *h_raw == *raw;
    };
    if (std::none_of(have.ips.begin(), have.ips.end(), same)) {
      return false;
    }
  }
  return true;
}

Result<bool> LeafStillGood(const Loaded& leaf, const Loaded& issuer, const CertSpec& spec) {
  if (ExpiresWithin(leaf.cert.get(), spec.validity.renew_before)) {
    return false;
  }
  MINI_ASSIGN_OR_RETURN(bool signed_by_ca, Verifies(leaf.cert.get(), issuer.cert.get()));
  return signed_by_ca &&
         (spec.kind != CertKind::kServing || CoversNames(leaf.cert.get(), spec.names));
}

// Both PEMs are rendered before either file is touched, so a failure leaves the old pair whole.
// A crash between the two writes leaves a new key beside the old certificate; the next call sees
// the mismatch and regenerates.
Status WritePair(const KeyPair& pair, const Loaded& made) {
  MINI_ASSIGN_OR_RETURN(std::string key_pem, detail::KeyToPem(made.key.get()));
  MINI_ASSIGN_OR_RETURN(std::string cert_pem, detail::CertToPem(made.cert.get()));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(pair.key, key_pem, 0600));
  return AtomicWriteFile(pair.cert, cert_pem, 0644);
}

Result<Outcome> Create(const KeyPair& out, const CertSpec& spec, const Loaded* issuer) {
  MINI_ASSIGN_OR_RETURN(PkeyPtr key, detail::GenerateKey());
  MINI_ASSIGN_OR_RETURN(X509Ptr cert,
                        detail::BuildCert(spec, key.get(), issuer ? issuer->cert.get() : nullptr,
                                          issuer ? issuer->key.get() : nullptr));
  MINI_RETURN_IF_ERROR(WritePair(out, Loaded{std::move(cert), std::move(key)}));
  return Outcome::kCreated;
}

Result<Outcome> EnsureLeaf(const KeyPair& ca, const KeyPair& out, const CertSpec& spec) {
  MINI_RETURN_IF_ERROR(detail::ValidateSpec(spec));
  Result<Loaded> issuer = LoadIssuer(ca);
  if (!issuer.ok()) {
    return issuer.status().WithContext("loading the CA to sign {}", out.cert.string());
  }
  MINI_ASSIGN_OR_RETURN(std::optional<Loaded> existing, LoadPairIfUsable(out));
  if (existing) {
    MINI_ASSIGN_OR_RETURN(bool good, LeafStillGood(*existing, *issuer, spec));
    if (good) {
      return Outcome::kKept;
    }
  }
  return Create(out, spec, &*issuer);
}

// Expected failures (parsing a corrupt file, a failed verification) queue OpenSSL errors that
// nobody reports; clearing on entry and exit keeps them out of a later, unrelated message.
class ErrorQueueScope {
 public:
  ErrorQueueScope() { ERR_clear_error(); }
  ~ErrorQueueScope() { ERR_clear_error(); }
  ErrorQueueScope(const ErrorQueueScope&) = delete;
  ErrorQueueScope& operator=(const ErrorQueueScope&) = delete;
};

std::vector<std::string> NameEntries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    out.push_back(detail::Asn1ToString(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
  }
  return out;
}

std::string FirstCommonName(const X509_NAME* name) {
  std::vector<std::string> cns = NameEntries(name, NID_commonName);
  return cns.empty() ? std::string() : cns.front();
}

}  // namespace

Result<Outcome> EnsureCa(const KeyPair& ca, const Subject& subject, Validity validity) {
  ErrorQueueScope scope;
  CertSpec spec{CertKind::kCa, subject, {}, validity};
  MINI_RETURN_IF_ERROR(detail::ValidateSpec(spec));
  Result<std::optional<Loaded>> existing = LoadPairIfUsable(ca);
  if (!existing.ok()) {
    return existing.status().WithContext("checking CA {}", ca.cert.string());
  }
  if (*existing && IsCa((*existing)->cert.get()) &&
      !ExpiresWithin((*existing)->cert.get(), validity.renew_before)) {
    return Outcome::kKept;
  }
  Result<Outcome> created = Create(ca, spec, nullptr);
  if (!created.ok()) {
    return created.status().WithContext("creating CA {}", ca.cert.string());
  }
  return created;
}

Result<Outcome> EnsureServingCert(const KeyPair& ca, const KeyPair& out, const Subject& subject,
                                  const Names& names, Validity validity) {
  ErrorQueueScope scope;
  Result<Outcome> outcome = EnsureLeaf(ca, out, {CertKind::kServing, subject, names, validity});
  if (!outcome.ok()) {
    return outcome.status().WithContext("serving certificate {}", out.cert.string());
  }
  return outcome;
}

Result<Outcome> EnsureClientCert(const KeyPair& ca, const KeyPair& out, const Subject& subject,
                                 Validity validity) {
  ErrorQueueScope scope;
  Result<Outcome> outcome = EnsureLeaf(ca, out, {CertKind::kClient, subject, {}, validity});
  if (!outcome.ok()) {
    return outcome.status().WithContext("client certificate {}", out.cert.string());
  }
  return outcome;
}

Result<CertInfo> ReadCert(const fs::path& path) {
  ErrorQueueScope scope;
  MINI_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(path));
  CertInfo info;
  info.subject.common_name = FirstCommonName(X509_get_subject_name(cert.get()));
  info.subject.organizations = NameEntries(X509_get_subject_name(cert.get()), NID_organizationName);
  info.issuer_common_name = FirstCommonName(X509_get_issuer_name(cert.get()));
  info.names = SubjectAltNames(cert.get());
  MINI_ASSIGN_OR_RETURN(info.not_before, detail::ToTimePoint(X509_get0_notBefore(cert.get())));
  MINI_ASSIGN_OR_RETURN(info.not_after, detail::ToTimePoint(X509_get0_notAfter(cert.get())));
  info.is_ca = IsCa(cert.get());
  return info;
}

Result<bool> SignedBy(const fs::path& cert, const fs::path& ca_cert) {
  ErrorQueueScope scope;
  MINI_ASSIGN_OR_RETURN(X509Ptr leaf, LoadCert(cert));
  MINI_ASSIGN_OR_RETURN(X509Ptr ca, LoadCert(ca_cert));
  return Verifies(leaf.get(), ca.get());
}

}  // namespace mini::pki
