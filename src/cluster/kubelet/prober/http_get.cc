// The network actions of probes and hooks. Each call has its own io_context and one deadline
// for every step, so a silent server costs the prober thread the timeout and nothing more.
#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>

#include "cluster/kubelet/prober/runner.h"

namespace mini::cluster::kubelet::prober {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// The kubelet reads no more of a probe's answer than this.
constexpr size_t kMaxBody = 10 * 1024;

std::string HostPort(const std::string& host, uint16_t port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

// The coroutines below return through a named local: GCC 12 mishandles temporaries and
// conditional expressions in co_return.
asio::awaitable<ActionResult> Connect(tcp::resolver& resolver, beast::tcp_stream& socket,
                                      const std::string& host, uint16_t port) {
  ActionResult result{true, ""};
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), kTuple);
  if (resolve_ec) {
    result = {false, fmt::format("cannot resolve {}: {}", host, resolve_ec.message())};
    co_return result;
  }
  auto [connect_ec, endpoint] = co_await socket.async_connect(endpoints, kTuple);
  if (connect_ec) {
    std::string why = connect_ec == beast::error::timeout ? "i/o timeout" : connect_ec.message();
    result = {false, fmt::format("dial tcp {}: {}", HostPort(host, port), why)};
  }
  co_return result;
}

template <typename Stream>
asio::awaitable<ActionResult> Exchange(Stream& stream, const Action& action,
                                       const std::string& host) {
  ActionResult result{true, ""};
  http::request<http::empty_body> request{http::verb::get, action.path, 11};
  request.set(http::field::host, HostPort(host, action.port));
  request.set(http::field::user_agent, "kube-probe/1.32");
  request.set(http::field::accept, "*/*");
  for (const auto& [name, value] : action.headers) request.set(name, value);
  request.keep_alive(false);
  auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
  if (write_ec) {
    result = {false, "sending the request: " + write_ec.message()};
    co_return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  // A body over the limit still has its status line, which is all that decides.
  if (read_ec && !(read_ec == http::error::body_limit && parser.is_header_done())) {
    result = {false, "reading the response: " + read_ec.message()};
    co_return result;
  }
  int status = static_cast<int>(parser.get().result_int());
  if (status < 200 || status >= 400) {
    result = {false, fmt::format("HTTP probe failed with statuscode: {}", status)};
  }
  co_return result;
}

asio::awaitable<ActionResult> Get(asio::io_context& ioc, const Action& action,
                                  const std::string& host, std::chrono::milliseconds timeout) {
  tcp::resolver resolver(ioc);
  beast::tcp_stream socket(ioc);
  socket.expires_after(timeout);
  ActionResult result = co_await Connect(resolver, socket, host, action.port);
  if (!result.success) co_return result;
  if (!action.https) {
    result = co_await Exchange(socket, action, host);
    co_return result;
  }
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);  // probes trust whatever the pod presents
  beast::ssl_stream<beast::tcp_stream&> tls(socket, context);
  auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (handshake_ec) {
    result = {false, "TLS handshake: " + handshake_ec.message()};
    co_return result;
  }
  result = co_await Exchange(tls, action, host);
  co_return result;
}

asio::awaitable<ActionResult> Dial(asio::io_context& ioc, std::string host, uint16_t port,
                                   std::chrono::milliseconds timeout) {
  tcp::resolver resolver(ioc);
  beast::tcp_stream socket(ioc);
  socket.expires_after(timeout);
  ActionResult result = co_await Connect(resolver, socket, host, port);
  co_return result;
}

ActionResult RunBounded(
    std::chrono::milliseconds timeout,
    const std::function<asio::awaitable<ActionResult>(asio::io_context&)>& body) {
  asio::io_context ioc;
  ActionResult result{false, fmt::format("timeout after {} ms", timeout.count())};
  asio::co_spawn(ioc, body(ioc), [&](std::exception_ptr error, ActionResult answer) {
    if (!error) result = std::move(answer);
  });
  // The stream's expiry bounds each socket step; this also bounds the resolver.
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  return result;
}

}  // namespace

ActionResult HttpGet(const Action& action, const std::string& host,
                     std::chrono::milliseconds timeout) {
  return RunBounded(timeout,
                    [&](asio::io_context& ioc) { return Get(ioc, action, host, timeout); });
}

ActionResult TcpConnect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  return RunBounded(timeout, [&](asio::io_context& ioc) { return Dial(ioc, host, port, timeout); });
}

}  // namespace mini::cluster::kubelet::prober
