#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <string>
#include <thread>

#include "cluster/kubelet/prober/runner.h"
#include "pki/pki.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::prober {
namespace {

// A server on a loopback port that answers one request with `reply` and keeps the request.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), size);
    listen(fd_, 1);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, reply] {
      int client = accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      ssize_t n = read(client, buffer, sizeof(buffer));
      if (n > 0) request_.assign(buffer, static_cast<size_t>(n));
      if (!reply.empty()) (void)!write(client, reply.data(), reply.size());
      close(client);
    });
  }
  ~OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::string request_;
};

Action Get(uint16_t port) {
  Action action;
  action.kind = Action::Kind::kHttpGet;
  action.port = port;
  action.path = "/healthz";
  action.headers = {{"X-Probe", "yes"}};
  return action;
}

TEST_SUITE("kubelet/probe_http") {
  TEST_CASE("2xx and 3xx succeed, with the path and headers sent") {
    std::string request;
    {
      OneShotServer server("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n");
      ActionResult result = HttpGet(Get(server.port()), "127.0.0.1", std::chrono::seconds(2));
      CHECK(result.success);
      request = server.request();
    }
    CHECK(request.starts_with("GET /healthz HTTP/1.1\r\n"));
    CHECK(request.find("X-Probe: yes\r\n") != std::string::npos);
  }

  TEST_CASE("other statuses, refusals and silence fail") {
    {
      OneShotServer server("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
      ActionResult result = HttpGet(Get(server.port()), "127.0.0.1", std::chrono::seconds(2));
      CHECK_FALSE(result.success);
      CHECK(result.message == "HTTP probe failed with statuscode: 500");
    }
    uint16_t closed;
    {
      OneShotServer server("");
      closed = server.port();
      auto start = std::chrono::steady_clock::now();
      CHECK_FALSE(HttpGet(Get(server.port()), "127.0.0.1", std::chrono::milliseconds(300)).success);
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
    CHECK_FALSE(TcpConnect("127.0.0.1", closed, std::chrono::seconds(1)).success);
  }

  TEST_CASE("HTTPS probes accept a certificate nobody vouches for") {
    namespace asio = boost::asio;
    testing::TempDir dir;
    pki::KeyPair ca{dir / "ca.crt", dir / "ca.key"}, serving{dir / "s.crt", dir / "s.key"};
    REQUIRE(pki::EnsureCa(ca, {"probe-test-ca", {}}).ok());
    REQUIRE(pki::EnsureServingCert(ca, serving, {"pod", {}}, {{}, {"127.0.0.1"}}).ok());
    asio::io_context ioc;
    asio::ssl::context tls(asio::ssl::context::tls_server);
    tls.use_certificate_chain_file(serving.cert.string());
    tls.use_private_key_file(serving.key.string(), asio::ssl::context::pem);
    asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    std::thread server([&] {
      asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, tls);
      boost::system::error_code error;
      acceptor.accept(stream.next_layer(), error);
      if (!error) stream.handshake(asio::ssl::stream_base::server, error);
      char buffer[1024];
      if (!error) stream.read_some(asio::buffer(buffer), error);
      std::string reply = "HTTP/1.1 204 No Content\r\n\r\n";
      if (!error) asio::write(stream, asio::buffer(reply), error);
      stream.shutdown(error);
    });
    Action action = Get(acceptor.local_endpoint().port());
    action.https = true;
    ActionResult result = HttpGet(action, "127.0.0.1", std::chrono::seconds(5));
    server.join();
    CHECK(result.success);
    CHECK(result.message == "");
  }

  TEST_CASE("a TCP probe succeeds when the port accepts") {
    OneShotServer server("");
    CHECK(TcpConnect("127.0.0.1", server.port(), std::chrono::seconds(1)).success);
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::prober
