#include "pki/cert_builder.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include <algorithm>

namespace mini::pki::detail {
namespace {

// Host, VM and client clocks disagree by a little; a certificate valid only from "now" would be
// rejected for that long by any clock running behind the one that signed it.
constexpr long kBackdateSeconds = 5 * 60;
// 128 random bits make a regenerated certificate's issuer+serial unique without keeping state.
constexpr int kSerialBits = 128;

bool IsPrintableAscii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

Status SetSerialAndValidity(X509* cert, std::chrono::hours lifetime) {
  BignumPtr serial(BN_new());
  // TOP_ONE keeps the serial non-zero, which RFC 5280 requires.
  if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OpenSslError("generating a certificate serial number");
  }
  auto lifetime_seconds = std::chrono::duration_cast<std::chrono::seconds>(lifetime).count();
  if (X509_gmtime_adj(X509_getm_notBefore(cert), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(lifetime_seconds)) == nullptr) {
    return OpenSslError("setting certificate validity");
  }
  return Status::Ok();
}

Status AddNameEntry(X509_NAME* name, int nid, const std::string& value) {
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return OpenSslError(fmt::format("setting subject {}='{}'", OBJ_nid2sn(nid), value));
  }
  return Status::Ok();
}

Status SetSubject(X509* cert, const Subject& subject) {
  X509_NAME* name = X509_get_subject_name(cert);
  for (const std::string& org : subject.organizations) {
    MINI_RETURN_IF_ERROR(AddNameEntry(name, NID_organizationName, org));
  }
  return AddNameEntry(name, NID_commonName, subject.common_name);
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(fmt::format("adding {} extension '{}'", OBJ_nid2sn(nid), value));
  }
  return Status::Ok();
}

Status PushGeneralName(GENERAL_NAMES* names, int type, std::string_view value) {
  GeneralNamePtr name(GENERAL_NAME_new());
  Asn1StringPtr str(type == GEN_DNS ? ASN1_IA5STRING_new() : ASN1_OCTET_STRING_new());
  if (!name || !str ||
      ASN1_STRING_set(str.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError("building a subjectAltName entry");
  }
  GENERAL_NAME_set0_value(name.get(), type, str.release());
  if (sk_GENERAL_NAME_push(names, name.get()) <= 0) {
    return OpenSslError("building a subjectAltName entry");
  }
  name.release();  // now owned by `names`
  return Status::Ok();
}

// Built from typed entries rather than a "DNS:a,IP:b" config string so that a name containing
// a comma or colon cannot inject extra entries.
Status AddSubjectAltNames(X509* cert, const Names& names) {
  if (names.dns.empty() && names.ips.empty()) {
    return Status::Ok();
  }
  GeneralNamesPtr list(sk_GENERAL_NAME_new_null());
  if (!list) {
    return OpenSslError("allocating subjectAltName");
  }
  for (const std::string& dns : names.dns) {
    MINI_RETURN_IF_ERROR(PushGeneralName(list.get(), GEN_DNS, dns));
  }
  for (const std::string& ip : names.ips) {
    MINI_ASSIGN_OR_RETURN(std::string raw, IpToBytes(ip));
    MINI_RETURN_IF_ERROR(PushGeneralName(list.get(), GEN_IPADD, raw));
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, list.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("adding subjectAltName extension");
  }
  return Status::Ok();
}

Status AddExtensions(X509* cert, X509* issuer, const CertSpec& spec) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  if (spec.kind == CertKind::kCa) {
    MINI_RETURN_IF_ERROR(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
    MINI_RETURN_IF_ERROR(
        AddExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign"));
    return AddExtension(cert, &ctx, NID_subject_key_identifier, "hash");
  }
  MINI_RETURN_IF_ERROR(AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  MINI_RETURN_IF_ERROR(
      AddExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  MINI_RETURN_IF_ERROR(AddExtension(cert, &ctx, NID_ext_key_usage,
                                    spec.kind == CertKind::kServing ? "serverAuth" : "clientAuth"));
  MINI_RETURN_IF_ERROR(AddExtension(cert, &ctx, NID_subject_key_identifier, "hash"));
  // "issuer" is only a fallback for a CA made elsewhere without a subjectKeyIdentifier.
  MINI_RETURN_IF_ERROR(AddExtension(cert, &ctx, NID_authority_key_identifier, "keyid,issuer"));
  return spec.kind == CertKind::kServing ? AddSubjectAltNames(cert, spec.names) : Status::Ok();
}

}  // namespace

Status ValidateSpec(const CertSpec& spec) {
  if (spec.subject.common_name.empty()) {
    return Error(Code::kInvalidArgument, "a certificate needs a common name");
  }
  if (spec.validity.lifetime <= std::chrono::hours(0)) {
    return Error(Code::kInvalidArgument, "certificate lifetime must be positive, got {}h",
                 spec.validity.lifetime.count());
  }
  for (const std::string& dns : spec.names.dns) {
    if (dns.empty() || !IsPrintableAscii(dns)) {
      return Error(Code::kInvalidArgument, "subjectAltName DNS name '{}' is not valid", dns);
    }
  }
  for (const std::string& ip : spec.names.ips) {
    Status status = IpToBytes(ip).status();
    if (!status.ok()) {
      return status.WithContext("subjectAltName IP");
    }
  }
  return Status::Ok();
}

Result<PkeyPtr> GenerateKey() {
  // P-256: generated in microseconds (RSA takes up to seconds) and accepted by every TLS client
  // Kubernetes talks to.
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) {
    return OpenSslError("generating an ECDSA P-256 key");
  }
  return key;
}

Result<X509Ptr> BuildCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer_cert,
                          EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("creating a certificate");
  }
  MINI_RETURN_IF_ERROR(SetSerialAndValidity(cert.get(), spec.validity.lifetime));
  MINI_RETURN_IF_ERROR(SetSubject(cert.get(), spec.subject));
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1) {
    return OpenSslError("setting certificate issuer");
  }
  MINI_RETURN_IF_ERROR(AddExtensions(cert.get(), issuer, spec));
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) <= 0) {
    return OpenSslError("signing certificate");
  }
  return cert;
}

}  // namespace mini::pki::detail
