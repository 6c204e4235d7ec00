#include "cluster/runtime/registry/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <memory>
#include <variant>

#include "common/version.h"

namespace mini::cluster::runtime::registry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string HttpResponse::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (boost::algorithm::iequals(h.name, name)) {
      return h.value;
    }
  }
  return "";
}

std::vector<std::string> HttpResponse::Headers(std::string_view name) const {
  std::vector<std::string> values;
  for (const HttpHeader& h : headers) {
    if (boost::algorithm::iequals(h.name, name)) {
      values.push_back(h.value);
    }
  }
  return values;
}

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Parser = http::response_parser<http::buffer_body>;
using AnyStream = std::variant<PlainStream, TlsStream>;

AnyStream MakeStream(asio::io_context& ioc, ssl::context* tls) {
  if (tls != nullptr) {
    return AnyStream(std::in_place_type<TlsStream>, ioc, *tls);
  }
  return AnyStream(std::in_place_type<PlainStream>, ioc);
}

std::string Reason(const error_code& ec) {
  if (ec == beast::error::timeout) {
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

Result<std::unique_ptr<ssl::context>> MakeTls(const HttpOptions& options) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  error_code ec;
  ctx->set_default_verify_paths(ec);
  if (!options.extra_ca.empty()) {
    if (ctx->load_verify_file(options.extra_ca.string(), ec); ec) {
      return Error(Code::kInvalidArgument, "cannot load the CA file {}: {}",
                   options.extra_ca.string(), Reason(ec));
    }
  }
  return ctx;
}

// One exchange on one connection; every asynchronous step runs the context on this thread.
class Exchange {
 public:
  Exchange(const Url& url, const HttpOptions& options, ssl::context* tls)
      : url_(url), options_(options), stream_(MakeStream(ioc_, tls)) {}

  Result<HttpResponse> Get(const std::vector<HttpHeader>& headers, const BodySink& sink) {
    MINI_RETURN_IF_ERROR(Connect());
    http::request<http::empty_body> request{http::verb::get, url_.target, 11};
    request.set(http::field::host, url_.Authority());
    request.set(http::field::user_agent, "mini/" + std::string(Version()));
    for (const HttpHeader& h : headers) {
      request.insert(h.name, h.value);
    }
    Lowest().expires_after(options_.idle_timeout);
    if (error_code ec = Visit([&](auto& s, auto h) { http::async_write(s, request, h); }); ec) {
      return Failure(ec);
    }
    Parser parser;
    parser.body_limit(boost::none);  // bounded below for buffered bodies, not for streamed ones
    if (error_code ec =
            Visit([&](auto& s, auto h) { http::async_read_header(s, buffer_, parser, h); });
        ec) {
      return Failure(ec);
    }
    HttpResponse response;
    response.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      response.headers.push_back({std::move(name), std::string(field.value())});
    }
    bool stream = sink && response.status / 100 == 2;
    MINI_RETURN_IF_ERROR(ReadBody(parser, [&](std::string_view piece) -> Status {
      if (stream) {
        return sink(piece);
      }
      if (response.body.size() + piece.size() > options_.max_buffered_body) {
        return Error(Code::kResourceExhausted, "the answer from {} is over {} bytes",
                     url_.Authority(), options_.max_buffered_body);
      }
      response.body.append(piece);
      return Status::Ok();
    }));
    return response;
  }

 private:
  beast::tcp_stream& Lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                      stream_);
  }

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
    return std::visit([&](auto& s) { return Run([&](auto h) { start(s, h); }); }, stream_);
  }

  Status Connect() {
    tcp::resolver resolver(ioc_);
    asio::steady_timer timer(ioc_, options_.connect_timeout);
    timer.async_wait([&](error_code ec) {
      if (!ec) resolver.cancel();
    });
    tcp::resolver::results_type targets;
    error_code ec = Run([&](auto h) {
      resolver.async_resolve(url_.host, std::to_string(url_.port),
                             [&, h](error_code resolve_ec, tcp::resolver::results_type r) {
                               timer.cancel();
                               targets = std::move(r);
                               h(resolve_ec);
                             });
    });
    if (ec) {
      return Error(Code::kUnavailable, "cannot resolve {}: {}", url_.host, Reason(ec));
    }
    Lowest().expires_after(options_.connect_timeout);
    ec = Run([&](auto h) { Lowest().async_connect(targets, h); });
    if (ec) {
      return Failure(ec);
    }
    return std::holds_alternative<TlsStream>(stream_) ? Handshake() : Status::Ok();
  }

  Status Handshake() {
    auto& tls = std::get<TlsStream>(stream_);
    error_code ec;
    asio::ip::make_address(url_.host, ec);
    if (ec) {  // SNI carries names only, never addresses
      SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str());
    }
    if (options_.verify_tls) {
      tls.set_verify_mode(ssl::verify_peer, ec);
      tls.set_verify_callback(
          [this, check = ssl::host_name_verification(url_.host)](bool ok,
                                                                 ssl::verify_context& ctx) {
            if (!ok) {
              verify_failure_ =
                  X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.native_handle()));
            } else if (!check(ok, ctx)) {
              verify_failure_ = "the certificate is not valid for " + url_.host;
              return false;
            }
            return ok;
          },
          ec);
    } else {
      tls.set_verify_mode(ssl::verify_none, ec);
    }
    Lowest().expires_after(options_.connect_timeout);
    ec = Run([&](auto h) { tls.async_handshake(ssl::stream_base::client, h); });
    return ec ? Failure(ec) : Status::Ok();
  }

  template <typename Deliver>
  Status ReadBody(Parser& parser, Deliver deliver) {
    std::vector<char> chunk(64 << 10);
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      Lowest().expires_after(options_.idle_timeout);
      error_code ec = Visit([&](auto& s, auto h) { http::async_read(s, buffer_, parser, h); });
      if (ec == http::error::need_buffer) {
        ec = {};
      }
      if (ec) {
        return Failure(ec);
      }
      size_t got = chunk.size() - parser.get().body().size;
      if (got > 0) {
        MINI_RETURN_IF_ERROR(deliver(std::string_view(chunk.data(), got)));
      }
    }
    return Status::Ok();
  }

  Status Failure(const error_code& ec) {
    if (!verify_failure_.empty()) {
      return Error(Code::kUnavailable, "TLS with {}: its certificate does not verify: {}",
                   url_.Authority(), verify_failure_);
    }
    if (ec == beast::error::timeout) {
      return Error(Code::kDeadlineExceeded, "{}: timed out", url_.Authority());
    }
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == ssl::error::get_stream_category()) {
      return Error(Code::kUnavailable, "TLS with {} failed: {}", url_.Authority(), Reason(ec));
    }
    return Error(Code::kUnavailable, "{}: {}", url_.Authority(), Reason(ec));
  }

  const Url& url_;
  const HttpOptions& options_;
  asio::io_context ioc_{1};
  AnyStream stream_;
  beast::flat_buffer buffer_;
  std::string verify_failure_;
};

}  // namespace

Result<HttpResponse> HttpGet(const Url& url, const std::vector<HttpHeader>& headers,
                             const HttpOptions& options, const BodySink& sink) {
  std::unique_ptr<ssl::context> tls;
  if (url.scheme == "https") {
    MINI_ASSIGN_OR_RETURN(tls, MakeTls(options));
  }
  Exchange exchange(url, options, tls.get());
  return exchange.Get(headers, sink);
}

}  // namespace mini::cluster::runtime::registry
