// Internal to the etcd backend's transport: the TLS context behind the opaque TlsContext, and
// what a failed handshake means. Only connection.cc and tls.cc include it (Asio's SSL layer).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <string>

#include "cluster/store/etcd/connection.h"

namespace mini::store::etcd {

class TlsContext {
 public:
  boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
};

/// Accepts a server certificate that chains to the CA and names `host` (a DNS name or an IP
/// address); otherwise stores why not in `*failure`, for the error message.
std::function<bool(bool, boost::asio::ssl::verify_context&)> VerifyPeer(const std::string& host,
                                                                        std::string* failure);

}  // namespace mini::store::etcd
