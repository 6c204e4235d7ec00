#include "pki/openssl_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <ctime>

namespace mini::pki::detail {
namespace {

// One failure can queue a chain of entries; a few are enough to name the cause.
constexpr int kMaxReportedErrors = 4;

Result<std::string> MemBioContents(BIO* bio, std::string_view what) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0 || (len > 0 && data == nullptr)) {
    return OpenSslError(what);
  }
  return std::string(data, static_cast<size_t>(len));
}

Result<BioPtr> ReadOnlyBio(std::string_view pem, std::string_view what) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) {
    return Error(Code::kInvalidArgument, "{}: input too large", what);
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return OpenSslError(what);
  }
  return bio;
}

// A null callback would make OpenSSL prompt on the terminal for an encrypted key's passphrase;
// mini never writes encrypted keys, so such a file is simply unusable.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

}  // namespace

Status OpenSslError(std::string_view what, Code code) {
  std::string detail;
  int count = 0;
  for (unsigned long err = ERR_get_error(); err != 0; err = ERR_get_error()) {
    if (++count > kMaxReportedErrors) {
      continue;  // keep draining so stale entries cannot leak into a later report
    }
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    detail += detail.empty() ? "" : "; ";
    detail += buf;
  }
  return Error(code, "{}: {}", what, detail.empty() ? "unknown OpenSSL error" : detail);
}

Result<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("encoding private key as PEM");
  }
  return MemBioContents(bio.get(), "encoding private key as PEM");
}

Result<std::string> CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("encoding certificate as PEM");
  }
  return MemBioContents(bio.get(), "encoding certificate as PEM");
}

Result<PkeyPtr> KeyFromPem(std::string_view pem, const std::filesystem::path& source) {
  std::string what = fmt::format("parsing private key {}", source.string());
  MINI_ASSIGN_OR_RETURN(BioPtr bio, ReadOnlyBio(pem, what));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    return OpenSslError(what, Code::kInvalidArgument);
  }
  return key;
}

Result<X509Ptr> CertFromPem(std::string_view pem, const std::filesystem::path& source) {
  std::string what = fmt::format("parsing certificate {}", source.string());
  MINI_ASSIGN_OR_RETURN(BioPtr bio, ReadOnlyBio(pem, what));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!cert) {
    return OpenSslError(what, Code::kInvalidArgument);
  }
  return cert;
}

Result<std::chrono::system_clock::time_point> ToTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return OpenSslError("reading a certificate time", Code::kInvalidArgument);
  }
  // Civil-date arithmetic in <chrono> avoids timegm(), which is not standard C++.
  std::chrono::sys_days date = std::chrono::year(tm.tm_year + 1900) /
                               std::chrono::month(static_cast<unsigned>(tm.tm_mon + 1)) /
                               std::chrono::day(static_cast<unsigned>(tm.tm_mday));
  return std::chrono::system_clock::time_point(date + std::chrono::hours(tm.tm_hour) +
                                               std::chrono::minutes(tm.tm_min) +
                                               std::chrono::seconds(tm.tm_sec));
}

Result<std::string> IpToBytes(const std::string& text) {
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    return std::string(reinterpret_cast<const char*>(buf), sizeof(in_addr));
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    return std::string(reinterpret_cast<const char*>(buf), sizeof(in6_addr));
  }
  return Error(Code::kInvalidArgument, "'{}' is not an IPv4 or IPv6 address", text);
}

std::string IpFromBytes(std::string_view raw) {
  char text[INET6_ADDRSTRLEN] = {};
  int family = raw.size() == sizeof(in_addr) ? AF_INET : AF_INET6;
  if ((raw.size() == sizeof(in_addr) || raw.size() == sizeof(in6_addr)) &&
      inet_ntop(family, raw.data(), text, sizeof text) != nullptr) {
    return text;
  }
  std::string hex;
  for (unsigned char c : raw) {
    hex += fmt::format("{:02x}", c);
  }
  return hex;
}

std::string Asn1ToString(const ASN1_STRING* str) {
  if (str == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(str)),
                     static_cast<size_t>(ASN1_STRING_length(str)));
}

}  // namespace mini::pki::detail
