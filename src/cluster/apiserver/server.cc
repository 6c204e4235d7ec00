#include "cluster/apiserver/server.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cctype>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/apiserver/connection.h"
#include "cluster/apiserver/connection_tracker.h"
#include "common/thread.h"
#include "net/host.h"

namespace mini::cluster::apiserver {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

using net::HostPort;

Status FileError(const std::filesystem::path& path, std::string_view what, const error_code& ec) {
  return net::TlsFileError(path, what, ec.message());
}

Status LoadClientCa(ssl::context& tls, const std::filesystem::path& ca) {
  error_code ec;
  tls.load_verify_file(ca.string(), ec);
  if (ec) {
    return FileError(ca, "client CA", ec);
  }
  // Advertise the CA so clients (Go's crypto/tls among them) pick a certificate it signed.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str())) {
    SSL_CTX_set_client_CA_list(tls.native_handle(), names);
  }
  // Request a certificate but accept none: anonymous requests reach the health endpoints.
  tls.set_verify_mode(ssl::verify_peer, ec);
  // Without an id context OpenSSL refuses to resume sessions once certificates are requested.
  static constexpr unsigned char kSessionContext[] = "mini-apiserver";
  SSL_CTX_set_session_id_context(tls.native_handle(), kSessionContext, sizeof(kSessionContext) - 1);
  return Status::Ok();
}

Status LoadTls(ssl::context& tls, const ServerOptions& options) {
  error_code ec;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                      ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1,
                  ec);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.use_certificate_chain_file(options.cert_file.string(), ec);
  if (ec) {
    return FileError(options.cert_file, "serving certificate", ec);
  }
  tls.use_private_key_file(options.key_file.string(), ssl::context::pem, ec);
  if (ec) {
    return FileError(options.key_file, "serving key", ec);
  }
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
    return Error(Code::kInvalidArgument, "serving key {} does not match certificate {}",
                 options.key_file.string(), options.cert_file.string());
  }
  return options.client_ca_file.empty() ? Status::Ok() : LoadClientCa(tls, options.client_ca_file);
}

Status ListenError(const std::string& where, const error_code& ec) {
  std::string reason = ec.message();
  if (!reason.empty()) {
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  }
  Code code = Code::kInternal;
  if (ec == asio::error::address_in_use) {
    code = Code::kFailedPrecondition;  // callers single this case out (exit code 3)
  } else if (ec == asio::error::access_denied) {
    code = Code::kPermissionDenied;
  } else if (ec == boost::system::errc::address_not_available) {
    code = Code::kInvalidArgument;
  }
  return Error(code, "cannot listen on {}: {}", where, reason);
}

void RunLoop(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // A handler escaped with an exception; log it and keep serving the other connections.
      spdlog::error("apiserver: unexpected exception: {}", e.what());
    }
  }
}

// One event loop per thread, each connection on one of them (handed out in turn): a request
// then stays on one thread from its read to its answer. With one loop shared by all threads,
// a request's handlers hopped between threads, and on two cores the server fell into phases
// of ~9 ms per request at a third of its throughput (docs/apiserver-bench.md).
class EventLoop {
 public:
  asio::io_context ioc{1};
  // Keeps the thread running until Stop, so work posted during the drain always runs.
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::thread thread;
};

std::vector<std::unique_ptr<EventLoop>> MakeLoops(int count) {
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < std::max(1, count); ++i) {
    loops.push_back(std::make_unique<EventLoop>());
  }
  return loops;
}

}  // namespace

// Member order matters: whatever connections reference (TLS context, router, tracker) is
// declared before the event loops, so it outlives the handlers their io_contexts destroy.
struct Server::Impl {
  Impl(const ServerOptions& server_options, std::shared_ptr<const Router> server_router)
      : options(server_options), router(std::move(server_router)) {}

  void Accept();
  Status Bind();

  const ServerOptions options;
  const std::shared_ptr<const Router> router;
  ssl::context tls{ssl::context::tls_server};
  ConnectionTracker tracker;
  std::vector<std::unique_ptr<EventLoop>> loops = MakeLoops(options.threads);
  size_t next_loop = 0;  // on the acceptor's strand
  tcp::acceptor acceptor{asio::make_strand(loops.front()->ioc)};
  asio::steady_timer backoff{acceptor.get_executor()};
  std::atomic<bool> stopping{false};
  uint16_t port = 0;
  bool started = false;
  std::mutex stop_mu;
  bool stopped = false;  // guarded by stop_mu
};

Status Server::Impl::Bind() {
  const std::string where = HostPort(options.bind_address, options.port);
  error_code ec;
  asio::ip::address address = asio::ip::make_address(options.bind_address, ec);
  if (ec) {
    return Error(Code::kInvalidArgument, "cannot listen on {}: not an IP address", where);
  }
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return ListenError(where, ec);
  }
  port = acceptor.local_endpoint(ec).port();
  return Status::Ok();
}

void Server::Impl::Accept() {
  asio::io_context& loop = loops[next_loop++ % loops.size()]->ioc;
  acceptor.async_accept(asio::make_strand(loop), [this](error_code ec, tcp::socket socket) {
    if (stopping.load() || ec == asio::error::operation_aborted) {
      return;
    }
    if (!ec) {
      error_code option_ec;
      socket.set_option(tcp::no_delay(true), option_ec);
      // Keep-alive probes find peers gone without a FIN, e.g. watchers on a suspended laptop.
      socket.set_option(asio::socket_base::keep_alive(true), option_ec);
      ServeConnection(std::move(socket), tls, *router, options, tracker);
      return Accept();
    }
    // Out of descriptors, typically: pause instead of spinning on the same error.
    spdlog::warn("apiserver: accepting a connection failed: {}", ec.message());
    backoff.expires_after(std::chrono::milliseconds(100));
    backoff.async_wait([this](error_code wait_ec) {
      if (!wait_ec && !stopping.load()) {
        Accept();
      }
    });
  });
}

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options,
                                               std::shared_ptr<const Router> router) {
  try {
    auto impl = std::make_unique<Impl>(options, std::move(router));
    MINI_RETURN_IF_ERROR(LoadTls(impl->tls, options));
    MINI_RETURN_IF_ERROR(impl->Bind());
    return std::unique_ptr<Server>(new Server(std::move(impl)));
  } catch (const std::exception& e) {
    return Error(Code::kInternal, "cannot set up the API server: {}", e.what());
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

uint16_t Server::port() const { return impl_->port; }

void Server::Start() {
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->Accept(); });
  for (auto& loop : impl_->loops) {
    loop->thread = std::thread([ioc = &loop->ioc] {
      NameThisThread("mini-apiserver");
      RunLoop(*ioc);
    });
  }
  impl_->started = true;
  spdlog::info("apiserver: serving on {}", HostPort(impl_->options.bind_address, impl_->port));
}

void Server::Stop(std::chrono::milliseconds drain) {
  std::lock_guard lock(impl_->stop_mu);
  if (std::exchange(impl_->stopped, true)) {
    return;
  }
  impl_->stopping = true;
  if (!impl_->started) {
    error_code ec;
    impl_->acceptor.close(ec);
    return;
  }
  // Close on the acceptor's strand, and wait, so no connection is accepted after ShutdownAll.
  std::promise<void> closed;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get(), &closed] {
    error_code ec;
    impl->acceptor.close(ec);
    impl->backoff.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  impl_->tracker.ShutdownAll();
  bool drained = impl_->tracker.WaitUntilEmpty(std::chrono::steady_clock::now() + drain);
  if (!drained && drain.count() > 0) {
    spdlog::info("apiserver: closing {} connections still busy after the drain",
                 impl_->tracker.size());
  }
  for (auto& loop : impl_->loops) {
    loop->work.reset();
    loop->ioc.stop();
  }
  for (auto& loop : impl_->loops) {
    loop->thread.join();
  }
}

}  // namespace mini::cluster::apiserver
