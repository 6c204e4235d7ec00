#include "net/https_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <memory>
#include <utility>

#include "common/version.h"
#include "net/host.h"
#include "net/tls_alerts.h"

namespace mini::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// Errors come back as values (no exceptions inside the coroutine).
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Health and version answers are small; a bound keeps a misbehaving peer from exhausting memory.
constexpr uint64_t kMaxBodyBytes = 64ull << 20;

using net::HostPort;

Status FileError(const std::filesystem::path& path, std::string_view what, const error_code& ec) {
  return net::TlsFileError(path, what, ec.message());
}

Result<std::unique_ptr<ssl::context>> MakeContext(const TlsClientConfig& tls) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  error_code ec;
  // Only the given CA: the system trust store must not vouch for a cluster's API server.
  ctx->load_verify_file(tls.ca.string(), ec);
  if (ec) {
    return FileError(tls.ca, "CA certificate", ec);
  }
  if (!tls.client_cert.empty()) {
    ctx->use_certificate_chain_file(tls.client_cert.string(), ec);
    if (ec) {
      return FileError(tls.client_cert, "client certificate", ec);
    }
    ctx->use_private_key_file(tls.client_key.string(), ssl::context::pem, ec);
    if (ec) {
      return FileError(tls.client_key, "client key", ec);
    }
  }
  return ctx;
}

// One request on one connection. Every step is bounded by the same deadline: the resolver by a
// timer, the socket steps by tcp_stream's expiry, which Beast checks when each step starts.
class Call {
 public:
  Call(asio::io_context& ioc, ssl::context& ctx, const std::string& host, uint16_t port,
       std::chrono::milliseconds timeout)
      : ioc_(ioc),
        resolver_(ioc),
        stream_(ioc, ctx),
        host_(host),
        port_(port),
        timeout_(timeout),
        deadline_(Clock::now() + timeout) {}

  asio::awaitable<void> Run(std::string target, std::string server_name) {
    status_ = co_await Connect();
    if (status_.ok()) {
      status_ = co_await Handshake(server_name);
    }
    if (status_.ok()) {
      status_ = co_await Exchange(target);
    }
  }

  void Fail(Status status) { status_ = std::move(status); }

  Result<HttpResponse> TakeResult() {
    if (!status_.ok()) {
      return status_;
    }
    return std::move(response_);
  }

 private:
  asio::awaitable<Status> Connect() {
    asio::steady_timer timer(ioc_, deadline_);
    timer.async_wait([this](error_code ec) {
      if (!ec) {
        resolver_.cancel();
      }
    });
    auto [ec, endpoints] = co_await resolver_.async_resolve(host_, std::to_string(port_), kTuple);
    timer.cancel();
    if (ec) {
      co_return Clock::now() >= deadline_
          ? Timeout()
          : Error(Code::kUnavailable, "cannot resolve {}: {}", host_, ec.message());
    }
    beast::get_lowest_layer(stream_).expires_at(deadline_);
    auto [connect_ec, endpoint] =
        co_await beast::get_lowest_layer(stream_).async_connect(endpoints, kTuple);
    co_return connect_ec ? Failure(connect_ec, "cannot connect to") : Status::Ok();
  }

  asio::awaitable<Status> Handshake(const std::string& server_name) {
    if (SSL_set_tlsext_host_name(stream_.native_handle(), server_name.c_str()) != 1) {
      co_return Error(Code::kInvalidArgument, "invalid TLS server name '{}'", server_name);
    }
    error_code ec;
    stream_.set_verify_mode(ssl::verify_peer, ec);
    stream_.set_verify_callback(
        [this, check = ssl::host_name_verification(server_name), server_name](
            bool preverified, ssl::verify_context& vctx) {
          X509_STORE_CTX* store = vctx.native_handle();
          if (!preverified) {
            verify_failure_ = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
            return false;
          }
          if (!check(preverified, vctx)) {
            // host_name_verification leaves the store's error unset; say what went wrong.
            X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
            verify_failure_ = fmt::format("certificate is not valid for {}", server_name);
            return false;
          }
          return true;
        },
        ec);
    auto [handshake_ec] = co_await stream_.async_handshake(ssl::stream_base::client, kTuple);
    co_return handshake_ec ? Failure(handshake_ec, "TLS handshake failed with") : Status::Ok();
  }

  asio::awaitable<Status> Exchange(const std::string& target) {
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, HostPort(host_, port_));
    request.set(http::field::user_agent, fmt::format("mini/{}", Version()));
    request.set(http::field::accept, "application/json, */*");
    request.keep_alive(false);
    auto [write_ec, written] = co_await http::async_write(stream_, request, kTuple);
    if (write_ec) {
      co_return Failure(write_ec, "cannot send the request to");
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    auto [read_ec, read] = co_await http::async_read(stream_, buffer, parser, kTuple);
    if (read_ec) {
      co_return Failure(read_ec, "cannot read the response from");
    }
    auto& message = parser.get();
    response_.status = static_cast<int>(message.result_int());
    response_.content_type = std::string(message[http::field::content_type]);
    response_.body = std::move(message.body());
    co_return Status::Ok();
  }

  Status Timeout() const {
    return Error(Code::kDeadlineExceeded, "{} did not answer within {} ms", HostPort(host_, port_),
                 timeout_.count());
  }

  Status Failure(const error_code& ec, std::string_view doing) const {
    if (ec == beast::error::timeout || Clock::now() >= deadline_) {
      return Timeout();
    }
    if (!verify_failure_.empty()) {
      return Error(Code::kPermissionDenied, "the certificate of {} does not verify: {}",
                   HostPort(host_, port_), verify_failure_);
    }
    if (IsClientCertRejection(ec)) {
      return Error(Code::kPermissionDenied, "{} rejected the client certificate: {}",
                   HostPort(host_, port_), ec.message());
    }
    return Error(Code::kUnavailable, "{} {}: {}", doing, HostPort(host_, port_), ec.message());
  }

  asio::io_context& ioc_;
  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  Clock::time_point deadline_;
  std::string verify_failure_;  // set by the verify callback, read after the handshake
  Status status_;
  HttpResponse response_;
};

}  // namespace

Result<HttpResponse> HttpsGet(const std::string& host, uint16_t port, const std::string& target,
                              const TlsClientConfig& tls, std::chrono::milliseconds timeout) {
  try {
    MINI_ASSIGN_OR_RETURN(std::unique_ptr<ssl::context> ctx, MakeContext(tls));
    asio::io_context ioc;
    Call call(ioc, *ctx, host, port, timeout);
    asio::co_spawn(ioc, call.Run(target, tls.server_name), [&](std::exception_ptr error) {
      if (error) {
        call.Fail(Error(Code::kInternal, "HTTPS request to {} failed unexpectedly",
                        HostPort(host, port)));
      }
    });
    ioc.run();
    return call.TakeResult();
  } catch (const std::exception& e) {
    return Error(Code::kInternal, "HTTPS request to {} failed: {}", HostPort(host, port), e.what());
  }
}

}  // namespace mini::net
