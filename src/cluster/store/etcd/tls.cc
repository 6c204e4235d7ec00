#include "cluster/store/etcd/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <cctype>

namespace mini::store::etcd {
namespace {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

Status FileError(const std::filesystem::path& path, std::string_view what, const error_code& ec) {
  Code code = std::filesystem::exists(path) ? Code::kInvalidArgument : Code::kNotFound;
  std::string reason = ec.message();
  if (!reason.empty()) {
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  }
  return Error(code, "cannot load the etcd {} {}: {}", what, path.string(), reason);
}

}  // namespace

std::function<bool(bool, ssl::verify_context&)> VerifyPeer(const std::string& host,
                                                           std::string* failure) {
  return [host, failure, check = ssl::host_name_verification(host)](bool ok,
                                                                    ssl::verify_context& ctx) {
    if (!ok) {
      *failure = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.native_handle()));
    } else if (!check(ok, ctx)) {
      *failure = "the certificate is not valid for " + host;
      return false;
    }
    return ok;
  };
}

Result<std::shared_ptr<TlsContext>> NewTlsContext(const std::filesystem::path& ca,
                                                  const std::filesystem::path& cert,
                                                  const std::filesystem::path& key) {
  auto tls = std::make_shared<TlsContext>();
  SSL_CTX_set_min_proto_version(tls->ctx.native_handle(), TLS1_2_VERSION);
  error_code ec;
  tls->ctx.load_verify_file(ca.string(), ec);  // only this CA, never the system's
  if (ec) {
    return FileError(ca, "CA certificate", ec);
  }
  if (!cert.empty()) {
    if (tls->ctx.use_certificate_chain_file(cert.string(), ec); ec) {
      return FileError(cert, "client certificate", ec);
    }
    if (tls->ctx.use_private_key_file(key.string(), ssl::context::pem, ec); ec) {
      return FileError(key, "client key", ec);
    }
  }
  return tls;
}

}  // namespace mini::store::etcd
