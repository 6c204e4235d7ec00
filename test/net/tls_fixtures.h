// TLS helpers for tests: certificates made with mini_pki, a one-response HTTPS server and a raw
// HTTPS client that sends exact bytes, all over plain OpenSSL.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "pki/pki.h"

namespace mini::testing {

/// A CA, a server certificate for localhost/127.0.0.1, a client certificate (CN alice, O devs
/// and admins), and a second CA with its own server and client certificates, made by mini_pki.
class TestCerts {
 public:
  explicit TestCerts(const std::filesystem::path& dir) : dir_(dir) {
    ok_ = MakeCa("ca") && MakeCa("other-ca") && MakeServer("server", "ca") &&
          MakeClient("client", "ca", {"alice", {"devs", "admins"}}) &&
          MakeServer("other-server", "other-ca") &&
          MakeClient("other-client", "other-ca", {"mallory", {"devs"}});
  }

  bool ok() const { return ok_; }
  std::filesystem::path Cert(const std::string& name) const { return dir_ / (name + ".crt"); }
  std::filesystem::path Key(const std::string& name) const { return dir_ / (name + ".key"); }

 private:
  pki::KeyPair Pair(const std::string& name) const { return {Cert(name), Key(name)}; }
  bool MakeCa(const std::string& name) const { return pki::EnsureCa(Pair(name), {name, {}}).ok(); }
  bool MakeServer(const std::string& name, const std::string& ca) const {
    return pki::EnsureServingCert(Pair(ca), Pair(name), {"localhost", {}},
                                  {{"localhost"}, {"127.0.0.1"}})
        .ok();
  }
  bool MakeClient(const std::string& name, const std::string& ca,
                  const pki::Subject& subject) const {
    return pki::EnsureClientCert(Pair(ca), Pair(name), subject).ok();
  }

  std::filesystem::path dir_;
  bool ok_ = false;
};

/// A listening TCP socket on 127.0.0.1 with a kernel-chosen port; closed on destruction.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { Close(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void Close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

/// Answers every connection with `response` (raw HTTP bytes) over TLS, on its own thread.
class TlsTestServer {
 public:
  TlsTestServer(const std::filesystem::path& cert, const std::filesystem::path& key,
                std::string response)
      : response_(std::move(response)) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsTestServer() {
    stop_ = true;
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  uint16_t port() const { return listener_.port(); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd pfd{listener_.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 20) <= 0) {
        continue;
      }
      int fd = ::accept(listener_.fd(), nullptr, nullptr);
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        char buffer[4096];
        std::string request;
        while (request.find("\r\n\r\n") == std::string::npos) {
          int n = SSL_read(ssl, buffer, sizeof(buffer));
          if (n <= 0) {
            break;
          }
          request.append(buffer, static_cast<size_t>(n));
        }
        SSL_write(ssl, response_.data(), static_cast<int>(response_.size()));
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      ::close(fd);
    }
  }

  Listener listener_;
  std::string response_;
  SSL_CTX* ctx_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct RawExchange {
  bool handshake_ok = false;
  std::string received;  // everything the server sent until it closed
  int status() const { return received.size() > 12 ? std::atoi(received.substr(9, 3).c_str()) : 0; }
};

/// Connects to 127.0.0.1:port over TLS (trusting `ca`, offering `cert`/`key` when not empty),
/// sends `request` verbatim and reads until the server closes, 10 s pass, or what was received
/// contains `stop_after` (when not empty); then hangs up.
inline RawExchange RawHttps(uint16_t port, const std::string& request,
                            const std::filesystem::path& ca, const std::filesystem::path& cert,
                            const std::filesystem::path& key, const std::string& stop_after = "") {
  RawExchange result;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!cert.empty()) {
    SSL_CTX_use_certificate_chain_file(ctx, cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  SSL* ssl = SSL_new(ctx);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    result.handshake_ok = SSL_connect(ssl) == 1;
  }
  if (result.handshake_ok) {
    size_t sent = 0;
    while (sent < request.size()) {
      int n = SSL_write(ssl, request.data() + sent, static_cast<int>(request.size() - sent));
      if (n <= 0) {
        break;
      }
      sent += static_cast<size_t>(n);
    }
    char buffer[16384];
    for (int n; (n = SSL_read(ssl, buffer, sizeof(buffer))) > 0;) {
      result.received.append(buffer, static_cast<size_t>(n));
      if (!stop_after.empty() && result.received.find(stop_after) != std::string::npos) {
        break;
      }
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  ::close(fd);
  SSL_CTX_free(ctx);
  return result;
}

}  // namespace mini::testing
