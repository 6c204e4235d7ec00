#include "vm/ninep/server.h"

#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <spdlog/spdlog.h>
#include <thread>

#include "vm/ninep/session.h"

namespace mini::vm::ninep {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// One client: reads a message, answers it, reads the next. Requests are answered in the order
// they came, which the protocol allows and which keeps Tflush trivial.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const ExportDir& dir, uint32_t max_msize, IdMap ids)
      : socket_(std::move(socket)), session_(dir, max_msize, ids) {}

  void Start() {
    boost::system::error_code ec;
    auto peer = socket_.remote_endpoint(ec);
    peer_ = ec ? "?" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
    spdlog::debug("9p: {} connected", peer_);
    ReadSize();
  }
  void Close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  void ReadSize() {
    asio::async_read(socket_, asio::buffer(size_), [self = shared_from_this()](auto ec, size_t) {
      if (ec) return self->Ended(ec);
      uint32_t size = ParseHeader(std::string_view(self->size_.data(), 4)).size;
      if (size < kHeaderSize || size > self->session_.msize()) {
        spdlog::warn("9p: {} sent a message of {} bytes (limit {}); closing the connection",
                     self->peer_, size, self->session_.msize());
        return self->Close();
      }
      self->message_.assign(self->size_.data(), 4);
      self->message_.resize(size);
      self->ReadBody();
    });
  }

  void ReadBody() {
    asio::async_read(socket_, asio::buffer(message_.data() + 4, message_.size() - 4),
                     [self = shared_from_this()](auto ec, size_t) {
                       if (ec) return self->Ended(ec);
                       self->Answer();
                     });
  }

  void Answer() {
    auto reply = session_.Handle(message_);
    if (!reply.ok()) {
      spdlog::warn("9p: {}: {}; closing the connection", peer_, reply.status().message());
      return Close();
    }
    reply_ = std::move(reply).value();
    asio::async_write(socket_, asio::buffer(reply_), [self = shared_from_this()](auto ec, size_t) {
      if (ec) return self->Ended(ec);
      self->ReadSize();
    });
  }

  void Ended(const boost::system::error_code& ec) {
    if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
      spdlog::debug("9p: {}: {}", peer_, ec.message());
    }
    spdlog::debug("9p: {} disconnected", peer_);
  }

  tcp::socket socket_;
  Session session_;
  std::string peer_;
  std::array<char, 4> size_{};
  std::string message_;
  std::string reply_;
};

class TcpServer : public Server {
 public:
  TcpServer(ExportDir dir, const ServerOptions& o)
      : dir_(std::move(dir)),
        max_msize_(o.max_msize),
        ids_{static_cast<uint32_t>(::geteuid()), static_cast<uint32_t>(::getegid()), o.guest_uid,
             o.guest_gid},
        acceptor_(io_) {}
  ~TcpServer() override { Stop(); }

  Status Listen(const std::string& address, uint16_t port) {
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(address, ec);
    if (ec) return Error(Code::kInvalidArgument, "\"{}\" is not an IP address", address);
    tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error(Code::kFailedPrecondition, "cannot listen on {}:{}: {}", address, port,
                   ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    if (!thread_.joinable()) return;
    io_.stop();
    thread_.join();
    // The thread is gone: the sockets are ours to close. Pending handlers keep the connections
    // alive until the io_context goes.
    boost::system::error_code ec;
    acceptor_.close(ec);
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) c->Close();
    }
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        auto c = std::make_shared<Connection>(std::move(socket), dir_, max_msize_, ids_);
        std::erase_if(connections_, [](const auto& w) { return w.expired(); });
        connections_.push_back(c);
        c->Start();
      }
      Accept();
    });
  }

  ExportDir dir_;
  uint32_t max_msize_;
  IdMap ids_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::weak_ptr<Connection>> connections_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

Result<ServerPtr> NewServer(const ServerOptions& options) {
  MINI_ASSIGN_OR_RETURN(ExportDir dir, ExportDir::Open(options.root));
  auto server = std::make_unique<TcpServer>(std::move(dir), options);
  MINI_RETURN_IF_ERROR(server->Listen(options.bind_address, options.port));
  return ServerPtr(std::move(server));
}

}  // namespace mini::vm::ninep
