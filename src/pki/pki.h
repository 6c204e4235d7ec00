// Certificates for a profile: one CA per MINI_HOME, and per profile an API server serving
// certificate and an admin client certificate, all made with OpenSSL's library.
//
// The Ensure* functions are idempotent: they keep existing files that are still good and
// (re)generate only what is missing, unreadable, signed by another CA, about to expire, or (for
// the serving certificate) not covering the requested names. Keys are written 0600,
// certificates 0644, each file atomically. Not thread-safe for the same paths; callers hold the
// profile lock.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::pki {

struct KeyPair {
  std::filesystem::path cert;  // PEM certificate
  std::filesystem::path key;   // PEM private key
};

struct Subject {
  std::string common_name;
  std::vector<std::string> organizations;  // O= entries; Kubernetes reads them as groups
};

struct Names {
  std::vector<std::string> dns;  // subjectAltName DNS entries
  std::vector<std::string> ips;  // subjectAltName IP entries (IPv4 or IPv6 text)
};

struct Validity {
  std::chrono::hours lifetime;
  /// A certificate expiring sooner than this is replaced.
  std::chrono::hours renew_before;
};

inline constexpr Validity kCaValidity{std::chrono::hours(24 * 365 * 10),
                                      std::chrono::hours(24 * 90)};
inline constexpr Validity kLeafValidity{std::chrono::hours(26280), std::chrono::hours(24 * 30)};

/// What Ensure* did, so callers can say "Generating certificates" only when they do.
enum class Outcome { kKept, kCreated };

Result<Outcome> EnsureCa(const KeyPair& ca, const Subject& subject,
                         Validity validity = kCaValidity);

/// Serving certificate (serverAuth) signed by `ca`, covering every name in `names`.
Result<Outcome> EnsureServingCert(const KeyPair& ca, const KeyPair& out, const Subject& subject,
                                  const Names& names, Validity validity = kLeafValidity);

/// Client certificate (clientAuth) signed by `ca`.
Result<Outcome> EnsureClientCert(const KeyPair& ca, const KeyPair& out, const Subject& subject,
                                 Validity validity = kLeafValidity);

/// What a certificate file says, for status output and tests.
struct CertInfo {
  Subject subject;
  std::string issuer_common_name;
  Names names;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  bool is_ca = false;
};
Result<CertInfo> ReadCert(const std::filesystem::path& cert);

/// True when `cert` verifies against the CA certificate `ca_cert`.
Result<bool> SignedBy(const std::filesystem::path& cert, const std::filesystem::path& ca_cert);

}  // namespace mini::pki
