#include "cluster/store/etcd/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "cluster/store/etcd/tls.h"
#include "net/tls_alerts.h"

namespace mini::store::etcd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// A range over a large prefix can be big; the bound only stops a runaway peer.
constexpr uint64_t kMaxReplyBytes = 1ull << 30;

std::string Reason(const error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) {
    return "timed out";
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    return "connection closed";
  }
  std::string text = ec.message();
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Parser = http::response_parser<http::string_body>;
using AnyStream = std::variant<PlainStream, TlsStream>;

AnyStream MakeStream(asio::io_context& ioc, const std::shared_ptr<TlsContext>& tls) {
  if (tls) {
    return AnyStream(std::in_place_type<TlsStream>, ioc, tls->ctx);
  }
  return AnyStream(std::in_place_type<PlainStream>, ioc);
}

class BeastConnection final : public Connection {
 public:
  BeastConnection(Endpoint endpoint, std::shared_ptr<TlsContext> tls)
      : endpoint_(std::move(endpoint)), tls_(std::move(tls)), stream_(MakeStream(ioc_, tls_)) {}

  Status Connect(Clock::time_point deadline) {
    MINI_ASSIGN_OR_RETURN(std::vector<tcp::endpoint> targets, Resolve(deadline));
    Lowest().expires_at(deadline);
    error_code ec = Run([&](auto handler) { Lowest().async_connect(targets, handler); });
    if (ec) {
      return Failure(ec);
    }
    Lowest().socket().set_option(tcp::no_delay(true), ec);
    return tls_ ? Handshake(deadline) : Status::Ok();
  }

  Result<Reply> Post(const std::string& target, const std::string& body, Clock::time_point deadline,
                     Progress& progress) override {
    progress = Progress::kNotSent;
    reusable_ = false;
    Lowest().expires_at(deadline);
    if (error_code ec = Write(target, body); ec) {
      return Failure(ec);
    }
    progress = Progress::kSent;
    Parser parser;
    parser.body_limit(kMaxReplyBytes);
    error_code ec =
        Visit([&](auto& s, auto handler) { http::async_read(s, buffer_, parser, handler); });
    if (parser.got_some()) {
      progress = Progress::kAnswered;
    }
    if (ec) {
      return Failure(ec);
    }
    reusable_ = parser.get().keep_alive();
    return Reply{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
  }

  bool reusable() const override { return reusable_; }

  Result<Reply> StartStream(const std::string& target, const std::string& body,
                            Clock::time_point deadline) override {
    reusable_ = false;
    KeepProbing();
    Lowest().expires_at(deadline);
    if (error_code ec = Write(target, body); ec) {
      return Failure(ec);
    }
    parser_.emplace();
    parser_->body_limit(boost::none);  // a watch streams for as long as it lives
    parser_->on_chunk_body(on_chunk_);
    error_code ec = Visit(
        [&](auto& s, auto handler) { http::async_read_header(s, buffer_, *parser_, handler); });
    if (!ec && parser_->get().result_int() / 100 != 2) {
      ec = Visit([&](auto& s, auto handler) { http::async_read(s, buffer_, *parser_, handler); });
    }
    if (ec) {
      return Failure(ec);
    }
    Lowest().expires_never();
    return Reply{static_cast<int>(parser_->get().result_int()), TakeBody()};
  }

  Result<std::string> ReadSome() override {
    while (chunk_.empty()) {
      if (interrupted_) {
        return Error(Code::kCancelled, "the stream was interrupted");
      }
      if (!parser_ || parser_->is_done()) {
        return Error(Code::kUnavailable, "the stream ended");
      }
      error_code ec = Visit(
          [&](auto& s, auto handler) { http::async_read_some(s, buffer_, *parser_, handler); });
      chunk_ += TakeBody();
      if (interrupted_) {
        return Error(Code::kCancelled, "the stream was interrupted");
      }
      if (ec && chunk_.empty()) {
        return Failure(ec);
      }
    }
    return std::exchange(chunk_, {});
  }

  void Interrupt() override {
    interrupted_ = true;
    // Runs on the thread that runs the context; shutdown also fails reads not yet started.
    asio::post(ioc_, [this] {
      error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
      Lowest().cancel();
    });
  }

 private:
  beast::tcp_stream& Lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                      stream_);
  }

  // Starts one asynchronous operation and runs the context on this thread until it completes.
  template <typename Start>
  error_code Run(Start start) {
    error_code result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  template <typename Start>
  error_code Visit(Start start) {
    return std::visit([&](auto& s) { return Run([&](auto handler) { start(s, handler); }); },
                      stream_);
  }

  error_code Write(const std::string& target, const std::string& body) {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, endpoint_.ToString());
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    return Visit([&](auto& s, auto handler) { http::async_write(s, request, handler); });
  }

  std::string TakeBody() { return parser_ ? std::exchange(parser_->get().body(), {}) : ""; }

  Result<std::vector<tcp::endpoint>> Resolve(Clock::time_point deadline) {
    error_code ec;
    auto address = asio::ip::make_address(endpoint_.host, ec);
    if (!ec) {
      return std::vector<tcp::endpoint>{{address, endpoint_.port}};
    }
    tcp::resolver resolver(ioc_);
    asio::steady_timer timer(ioc_, deadline);
    timer.async_wait([&](error_code wait_ec) {
      if (!wait_ec) resolver.cancel();
    });
    std::vector<tcp::endpoint> targets;
    ec = Run([&](auto handler) {
      resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                             [&, handler](error_code resolve_ec, tcp::resolver::results_type r) {
                               timer.cancel();
                               for (const auto& entry : r) targets.push_back(entry.endpoint());
                               handler(resolve_ec);
                             });
    });
    if (ec) {
      return Error(Code::kUnavailable, "cannot resolve {}: {}", endpoint_.host,
                   Clock::now() >= deadline ? "timed out" : Reason(ec));
    }
    return targets;
  }

  Status Handshake(Clock::time_point deadline) {
    auto& tls = std::get<TlsStream>(stream_);
    error_code ec;
    asio::ip::make_address(endpoint_.host, ec);
    if (ec) {  // SNI carries names only, never addresses
      SSL_set_tlsext_host_name(tls.native_handle(), endpoint_.host.c_str());
    }
    tls.set_verify_mode(ssl::verify_peer, ec);
    tls.set_verify_callback(VerifyPeer(endpoint_.host, &verify_failure_), ec);
    Lowest().expires_at(deadline);
    ec = Run([&](auto handler) { tls.async_handshake(ssl::stream_base::client, handler); });
    return ec ? Failure(ec) : Status::Ok();
  }

  // A watch may sit idle for hours; keepalive probes notice a member that vanished silently.
  void KeepProbing() {
    int fd = Lowest().socket().native_handle();
    int on = 1, idle = 10, interval = 5, count = 3;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
  }

  Status Failure(const error_code& ec) {
    reusable_ = false;
    if (!verify_failure_.empty()) {
      return Error(Code::kPermissionDenied, "its certificate does not verify: {}", verify_failure_);
    }
    if (net::IsClientCertRejection(ec)) {
      return Error(Code::kPermissionDenied,
                   "it refused our client certificate (or its absence): {}", Reason(ec));
    }
    if (ec.category() == asio::error::get_ssl_category()) {
      return Error(Code::kUnavailable, "TLS failed: {}", Reason(ec));
    }
    if (ec == beast::error::timeout) {
      return Error(Code::kDeadlineExceeded, "timed out");
    }
    return Error(Code::kUnavailable, "{}", Reason(ec));
  }

  Endpoint endpoint_;
  std::shared_ptr<TlsContext> tls_;
  asio::io_context ioc_{1};
  AnyStream stream_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;  // the streaming answer being read
  std::string chunk_;             // streamed body bytes not yet returned
  std::function<size_t(uint64_t, std::string_view, error_code&)> on_chunk_ =
      [this](uint64_t, std::string_view data, error_code&) {
        chunk_.append(data);
        return data.size();
      };
  std::atomic<bool> interrupted_{false};
  bool reusable_ = true;
  std::string verify_failure_;  // set by the verify callback during the handshake
};

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const Endpoint& endpoint,
                                                     std::shared_ptr<TlsContext> tls,
                                                     Clock::time_point deadline) {
  auto connection = std::make_unique<BeastConnection>(endpoint, std::move(tls));
  MINI_RETURN_IF_ERROR(connection->Connect(deadline));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace mini::store::etcd
