#include "test/cluster/runtime/registry/token_front.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cluster/runtime/registry/credentials.h"

namespace mini::cluster::runtime::registry::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr char kToken[] = "mini-test-token";
}  // namespace

struct TokenFront::State {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<bool> stopping{false};
};

TokenFront::TokenFront(std::string backend, std::string user, std::string password)
    : backend_(std::move(backend)),
      user_(std::move(user)),
      password_(std::move(password)),
      state_(std::make_unique<State>()) {
  port_ = state_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { Serve(); });
}

TokenFront::~TokenFront() {
  state_->stopping = true;
  // Wakes the blocking accept; the loop then sees the flag.
  boost::system::error_code ec;
  tcp::socket poke(state_->ioc);
  poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
  thread_.join();
}

std::vector<std::string> TokenFront::token_queries() {
  std::lock_guard lock(mutex_);
  return token_queries_;
}

void TokenFront::Serve() {
  while (!state_->stopping) {
    boost::system::error_code ec;
    tcp::socket socket(state_->ioc);
    state_->acceptor.accept(socket, ec);
    if (ec || state_->stopping) {
      continue;
    }
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec) {
      continue;
    }
    std::string target(request.target());
    std::string authorization(request[http::field::authorization]);
    http::response<http::string_body> response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    if (target.starts_with("/token?")) {
      {
        std::lock_guard lock(mutex_);
        token_queries_.push_back(target.substr(7));
      }
      if (authorization == "Basic " + EncodeBase64(user_ + ":" + password_)) {
        response.body() = std::string(R"({"token":")") + kToken + R"("})";
      } else {
        response.result(http::status::unauthorized);
        response.body() = R"({"details":"incorrect username or password"})";
      }
    } else if (authorization != std::string("Bearer ") + kToken) {
      response.result(http::status::unauthorized);
      response.set(
          http::field::www_authenticate,
          "Bearer realm=\"http://" + host() +
              "/token\",service=\"mini-test\",scope=\"repository:mini-test/busybox:pull\"");
      response.body() =
          R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})";
    } else {
      response.result(http::status::temporary_redirect);
      response.set(http::field::location, "http://" + backend_ + target);
    }
    response.keep_alive(false);
    response.prepare_payload();
    http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace mini::cluster::runtime::registry::testing
