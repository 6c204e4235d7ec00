// The API server's transport: HTTPS (TLS 1.2+, HTTP/1.1 keep-alive) in front of a Router.
//
// Every connection is offered client-certificate authentication: a certificate that verifies
// against the client CA names the user, none means anonymous, and one that does not verify
// fails the handshake (as in Kubernetes). Requests are parsed, size-limited and timed out here;
// what they mean is the Router's business. Asio and Beast stay inside the .cc files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "cluster/apiserver/router.h"
#include "common/status.h"

namespace mini::cluster::apiserver {

struct ServerOptions {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 8443;                  // 0 picks a free port: read it back with Server::port()
  std::filesystem::path cert_file;       // serving certificate chain (PEM)
  std::filesystem::path key_file;        // its private key (PEM)
  std::filesystem::path client_ca_file;  // empty: no client certificates, everyone is anonymous
  int threads = 1;                       // threads running the connections and the handlers

  std::chrono::milliseconds header_timeout{60'000};  // handshake + head, then the body
  std::chrono::milliseconds idle_timeout{90'000};    // between requests on a kept-alive connection
  std::chrono::milliseconds write_timeout{60'000};   // sending one response
  size_t max_body_bytes = 3u << 20;                  // larger request bodies get 413
  size_t max_stream_backlog_bytes = 16u << 20;       // unsent streamed bytes before a cut
};

class Server {
 public:
  /// Loads the certificates and binds the listening socket (not accepting yet).
  /// kFailedPrecondition "cannot listen on ADDRESS:PORT: address already in use" when the port
  /// is taken; kInvalidArgument or kNotFound when a certificate, key or CA cannot be loaded or
  /// the address is not an IP; other codes for other bind failures.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options,
                                                std::shared_ptr<const Router> router);

  /// Stops with no drain.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts accepting connections on the server's threads. Call once.
  void Start();
  /// The bound port (the chosen one when options.port was 0).
  uint16_t port() const;
  /// Stops accepting, closes idle connections, gives requests in progress up to `drain` to
  /// finish, then closes the rest and joins the threads. Blocks; idempotent; not to be called
  /// from a handler.
  void Stop(std::chrono::milliseconds drain);

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace mini::cluster::apiserver
