// A blocking HTTP/1.1 GET over TCP or TLS, one connection per request, for the registry client.
// Bodies of successful answers can be streamed to a sink so a layer is never held whole; the
// only file that sees Boost.Beast is http_client.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/registry/url.h"
#include "common/status.h"

namespace mini::cluster::runtime::registry {

struct HttpHeader {
  std::string name;  // lower case in answers
  std::string value;
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::string body;  // empty when a sink took it

  /// The first value of header `name` (any case), or "".
  std::string Header(std::string_view name) const;
  /// Every value of header `name`, in order (WWW-Authenticate may come several times).
  std::vector<std::string> Headers(std::string_view name) const;
};

struct HttpOptions {
  bool verify_tls = true;          // false only for registries configured insecure
  std::filesystem::path extra_ca;  // trusted besides the system's CAs; may be empty
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  /// How long a read may wait for the next bytes; a large layer takes as long as it takes.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  /// Bodies read whole (errors, manifests, tokens) are refused above this size.
  size_t max_buffered_body = 8 << 20;
};

/// Receives a successful answer's body piece by piece; an error stops the transfer.
using BodySink = std::function<Status(std::string_view)>;

/// GET `url` with `headers` (Host and User-Agent are set). With a sink, a 2xx body goes to it
/// and HttpResponse::body stays empty; every other body is read whole. Redirects are returned,
/// not followed. kUnavailable (naming the host) when the connection, TLS or the exchange fails,
/// kDeadlineExceeded on a timeout, kResourceExhausted for an oversized buffered body, or the
/// sink's error. Thread-safe: each call has its own connection.
Result<HttpResponse> HttpGet(const Url& url, const std::vector<HttpHeader>& headers,
                             const HttpOptions& options, const BodySink& sink = {});

}  // namespace mini::cluster::runtime::registry
