// One HTTP/1.1 connection to one etcd member, plain TCP or TLS. The only part of the etcd
// backend that sees Boost.Beast: everything else talks to this Beast-free interface.
//
// Each connection owns its I/O context and runs it on the calling thread, so a request costs no
// thread hand-off; deadlines bound every step. A connection is used by one thread at a time,
// except Interrupt, which any thread may call.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"

namespace mini::store::etcd {

using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;  // "host:port", brackets around IPv6
};

/// The TLS settings shared by every connection of a backend (an SSL_CTX).
class TlsContext;
/// Loads the CA (the only trust anchor) and the optional client pair.
Result<std::shared_ptr<TlsContext>> NewTlsContext(const std::filesystem::path& ca,
                                                  const std::filesystem::path& cert,
                                                  const std::filesystem::path& key);

struct Reply {
  int http_status = 0;
  std::string body;
};

/// How far a failed exchange got, which decides whether it may be replayed elsewhere.
enum class Progress {
  kNotSent,   // the request never fully left: replaying it is always safe
  kSent,      // sent, but no byte of an answer came back: the member may have applied it
  kAnswered,  // an answer started
};

class Connection {
 public:
  /// Connects (and handshakes, with `tls`) before `deadline`. Failures are kUnavailable or
  /// kDeadlineExceeded, kPermissionDenied when a certificate is refused, with a short reason.
  static Result<std::unique_ptr<Connection>> Open(const Endpoint& endpoint,
                                                  std::shared_ptr<TlsContext> tls,
                                                  Clock::time_point deadline);
  virtual ~Connection() = default;

  /// POST `target` with a JSON body and reads the whole answer. `progress` says how far it got.
  virtual Result<Reply> Post(const std::string& target, const std::string& body,
                             Clock::time_point deadline, Progress& progress) = 0;
  /// False once the peer asked to close or an exchange failed.
  virtual bool reusable() const = 0;

  /// Streaming: POSTs and reads the answer's header; a non-2xx answer is read whole and
  /// returned as the Reply, a 2xx one leaves its body to ReadSome.
  virtual Result<Reply> StartStream(const std::string& target, const std::string& body,
                                    Clock::time_point deadline) = 0;
  /// Blocks until more body bytes arrive; kUnavailable when the stream ends or breaks,
  /// kCancelled once interrupted.
  virtual Result<std::string> ReadSome() = 0;
  /// Thread-safe: makes a pending or later ReadSome return kCancelled.
  virtual void Interrupt() = 0;
};

}  // namespace mini::store::etcd
