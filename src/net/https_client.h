// A small blocking HTTPS client for the CLI's health checks, authenticated with a client
// certificate and verifying the server against a given CA. Boost.Beast stays inside the .cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::net {

struct TlsClientConfig {
  std::filesystem::path ca;           // trust only this CA
  std::filesystem::path client_cert;  // empty: no client certificate (anonymous)
  std::filesystem::path client_key;
  std::string server_name = "localhost";  // SNI and the name checked against the certificate
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// GET https://host:port/target. kUnavailable when the connection is refused or reset,
/// kDeadlineExceeded after `timeout` (connect + handshake + response), kPermissionDenied when
/// the server's certificate does not verify (untrusted, expired, not for server_name) or the
/// server refuses our client certificate; kNotFound or kInvalidArgument when a CA, certificate
/// or key file is missing or unreadable. Messages name host:port. Any HTTP status is a success.
/// Blocks the calling thread (its own io_context); thread-safe.
Result<HttpResponse> HttpsGet(const std::string& host, uint16_t port, const std::string& target,
                              const TlsClientConfig& tls, std::chrono::milliseconds timeout);

}  // namespace mini::net
