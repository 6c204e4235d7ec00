// The only translation unit of the API server that includes Beast's HTTP parser.
#include "cluster/apiserver/connection.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <sstream>

#include "cluster/apiserver/authn.h"
#include "cluster/apiserver/stream_pump.h"

namespace mini::cluster::apiserver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderLimit = 64 * 1024;
// How long to wait for the client's close_notify, and to swallow the rest of a rejected body so
// closing does not reset the connection before the client has read our answer.
constexpr auto kCloseTimeout = std::chrono::seconds(2);

template <class Message>
void CopyHeaders(const Response& response, Message& message) {
  message.set(http::field::content_type, response.content_type);
  message.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) {
    message.set(name, value);
  }
}

// The head of a streamed response: chunked, and the connection ends with the body.
std::string SerializeHead(const Response& response) {
  http::response<http::empty_body> head{static_cast<http::status>(response.status), 11};
  CopyHeaders(response, head);
  head.chunked(true);
  head.keep_alive(false);
  std::ostringstream out;
  out << head.base();
  return out.str();
}

// A completion handler calling `method` on `session`, which it keeps alive until then.
template <typename Session, typename Method>
auto Continue(Session* session, Method method) {
  return beast::bind_front_handler(method, session->shared_from_this());
}

class Session final : public Connection,
                      public Transport,
                      public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ssl::context& tls, const Router& router, const ServerOptions& options,
          ConnectionTracker& tracker)
      : strand_(socket.get_executor()),
        stream_(std::move(socket), tls),
        router_(router),
        options_(options),
        tracker_(tracker) {
    error_code ec;
    tcp::endpoint peer = Lowest().socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
  }
  ~Session() override { tracker_.Remove(this); }

  void Run() { asio::dispatch(strand_, Continue(this, &Session::Handshake)); }

  // Connection
  void Shutdown() override { asio::post(strand_, Continue(this, &Session::OnShutdown)); }

  // Transport
  void Post(std::function<void()> task) override {
    asio::post(strand_, [self = shared_from_this(), task = std::move(task)] { task(); });
  }
  void Write(std::string data, std::function<void(bool)> done) override {
    out_ = std::move(data);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this(), done](error_code ec, size_t) { done(!ec); });
  }
  void Close() override { CloseSocket(); }

 private:
  enum class State { kHandshake, kWaiting, kHandling, kStreaming, kClosed };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Handshake() {
    state_ = State::kHandshake;
    Lowest().expires_after(options_.header_timeout);
    stream_.async_handshake(ssl::stream_base::server, Continue(this, &Session::OnHandshake));
  }

  void OnHandshake(error_code ec) {
    if (ec) {
      // Also how a client certificate that does not verify ends: the client got the alert.
      spdlog::debug("TLS handshake with {} failed: {}", remote_, ec.message());
      return CloseSocket();
    }
    user_ = UserFromConnection(stream_.native_handle());
    ReadHeader();
  }

  void ReadHeader() {
    if (stopping_) {
      return GracefulClose();
    }
    state_ = State::kWaiting;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(options_.max_body_bytes);
    Lowest().expires_after(served_ == 0 ? options_.header_timeout : options_.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_, Continue(this, &Session::OnHeader));
  }

  void OnHeader(error_code ec, size_t /*bytes*/) {
    state_ = State::kHandling;
    started_ = Clock::now();
    const auto& head = parser_->get();
    method_ = std::string(head.method_string());
    target_ = std::string(head.target());
    request_user_ = user_.name;
    // Beast checks a Content-Length against the body limit while parsing the head.
    if (ec == http::error::body_limit) {
      return RejectTooLarge();
    }
    if (ec) {
      return OnReadError(ec);
    }
    // The body usually arrives with the head: parse what is buffered rather than queue
    // another read, which would wait behind every other connection's work.
    if (!parser_->is_done() && buffer_.size() > 0) {
      parser_->eager(true);
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
      }
      if (ec) {
        return OnBody(ec, 0);
      }
    }
    if (parser_->is_done()) {
      return OnBody(ec, 0);
    }
    Lowest().expires_after(options_.header_timeout);
    http::async_read(stream_, buffer_, *parser_, Continue(this, &Session::OnBody));
  }

  void OnBody(error_code ec, size_t /*bytes*/) {
    if (ec == http::error::body_limit) {
      return RejectTooLarge();
    }
    if (ec) {
      return OnReadError(ec);
    }
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    Request& request = request_.emplace(Request{.method = method_,
                                                .body = std::move(message.body()),
                                                .user = user_,
                                                .remote_address = remote_});
    for (const auto& field : message) {
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    Status parsed = ParseTarget(target_, &request.path, &request.query);
    Response response = parsed.ok() ? router_.Dispatch(request) : ErrorResponse(parsed);
    request_user_ = request.user.name;  // the token's user, if a token spoke
    if (!response.deferred) {
      return Reply(std::move(response), keep_alive_);
    }
    // The answer comes through the responder; until then this connection reads nothing.
    try {
      response.deferred(std::make_shared<SessionResponder>(shared_from_this()));
    } catch (const std::exception& e) {
      spdlog::error("deferred handler for {} {} threw: {}", method_, target_, e.what());
    }
  }

  // Runs a task of a deferred response on this connection's strand.
  void RunTask(Task task) {
    asio::post(strand_, [self = shared_from_this(), task = std::move(task)] {
      try {
        task();
      } catch (const std::exception& e) {
        // The task's state, and with it the responder, is gone: the client gets a 500.
        spdlog::error("a continuation of {} {} threw: {}", self->method_, self->target_,
                      e.what());
      }
    });
  }

  void SendDeferred(Response response) {
    asio::dispatch(strand_, [self = shared_from_this(), response = std::move(response)]() mutable {
      self->Reply(std::move(response), self->keep_alive_);
    });
  }

  class SessionResponder final : public Responder {
   public:
    explicit SessionResponder(std::shared_ptr<Session> session) : session_(std::move(session)) {}
    ~SessionResponder() override {
      Send(StatusResponse(500, "InternalError", "the request was dropped without an answer"));
    }
    void Post(Task task) override { session_->RunTask(std::move(task)); }
    void Send(Response response) override {
      if (!sent_.exchange(true)) session_->SendDeferred(std::move(response));
    }

   private:
    const std::shared_ptr<Session> session_;
    std::atomic<bool> sent_ = false;
  };

  void RejectTooLarge() {
    discard_body_ = true;
    std::string message =
        fmt::format("Request entity too large: limit is {}", options_.max_body_bytes);
    Reply(StatusResponse(413, "RequestEntityTooLarge", message), false);
  }

  void OnReadError(error_code ec) {
    bool malformed = ec.category() == http::make_error_code(http::error::bad_target).category() &&
                     ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (!malformed) {
      // EOF between requests, a timeout, or Shutdown: nothing to answer.
      return CloseSocket();
    }
    method_ = target_ = "-";
    request_user_ = user_.name;
    discard_body_ = true;
    Reply(StatusResponse(400, "BadRequest", ec.message()), false);
  }

  void Reply(Response response, bool keep_alive) {
    status_ = response.status;
    if (response.stream != nullptr) {
      return StartStream(std::move(response));
    }
    response_.emplace(static_cast<http::status>(response.status), 11);
    CopyHeaders(response, *response_);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive && !stopping_);
    response_->prepare_payload();
    Lowest().expires_after(options_.write_timeout);
    http::async_write(stream_, *response_, Continue(this, &Session::OnWritten));
  }

  void OnWritten(error_code ec, size_t /*bytes*/) {
    LogAccess();
    bool keep_alive = response_->keep_alive();
    response_.reset();
    request_.reset();
    if (ec) {
      return CloseSocket();
    }
    ++served_;
    if (discard_body_) {
      return Linger();
    }
    keep_alive ? ReadHeader() : GracefulClose();
  }

  void StartStream(Response response) {
    state_ = State::kStreaming;
    Lowest().expires_never();
    LogAccess();
    pump_ = StreamPump::Create(weak_from_this(), options_.max_stream_backlog_bytes);
    pump_->Start(SerializeHead(response), std::move(response.stream));
    // Clients send nothing while a body streams; the read ends when they hang up, which is
    // the only way to notice a watcher that is gone while no events flow.
    stream_.async_read_some(asio::buffer(probe_), Continue(this, &Session::OnHangUp));
  }

  void OnHangUp(error_code /*ec*/, size_t /*bytes*/) { pump_->Cancel(); }

  // After rejecting a request whose body we did not read: half-close, then swallow what the
  // client still sends so the kernel does not answer it with a reset that destroys our reply.
  void Linger() {
    state_ = State::kClosed;
    error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    Lowest().expires_after(kCloseTimeout);
    Discard(ec, 0);
  }

  void Discard(error_code ec, size_t /*bytes*/) {
    if (ec) {  // including the timeout, which bounds the whole linger
      return CloseSocket();
    }
    Lowest().async_read_some(asio::buffer(discard_), Continue(this, &Session::Discard));
  }

  void GracefulClose() {
    state_ = State::kClosed;
    Lowest().expires_after(kCloseTimeout);
    stream_.async_shutdown([self = shared_from_this()](error_code) { self->CloseSocket(); });
  }

  void CloseSocket() {
    state_ = State::kClosed;
    Lowest().close();
  }

  void OnShutdown() {
    stopping_ = true;  // a response being prepared goes out with Connection: close
    if (state_ == State::kHandshake || state_ == State::kWaiting) {
      CloseSocket();
    } else if (state_ == State::kStreaming) {
      pump_->Cancel();
    }
  }

  void LogAccess() const {
    std::chrono::duration<double, std::milli> elapsed = Clock::now() - started_;
    spdlog::debug("{} {} {} user={} remote={} {:.3f}ms", method_, target_, status_, request_user_,
                  remote_, elapsed.count());
  }

  // Copied at construction so other threads can post to it without touching the stream.
  const asio::any_io_executor strand_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  const Router& router_;
  const ServerOptions& options_;
  ConnectionTracker& tracker_;

  // Everything below is touched only on the connection's strand.
  State state_ = State::kHandshake;
  bool stopping_ = false;
  bool discard_body_ = false;
  uint64_t served_ = 0;
  std::string remote_;
  UserInfo user_;
  std::string request_user_;  // for the access log
  std::optional<Request> request_;  // the one being served; a deferred response may read it
  bool keep_alive_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::string method_, target_;
  int status_ = 0;
  Clock::time_point started_ = Clock::now();
  std::shared_ptr<StreamPump> pump_;
  std::string out_;  // the pump's write in flight
  std::array<char, 1> probe_{};
  std::array<char, 16 * 1024> discard_{};
};

}  // namespace

void ServeConnection(tcp::socket socket, ssl::context& tls, const Router& router,
                     const ServerOptions& options, ConnectionTracker& tracker) {
  auto session = std::make_shared<Session>(std::move(socket), tls, router, options, tracker);
  tracker.Add(session);
  session->Run();
}

}  // namespace mini::cluster::apiserver
