#include "net/https_client.h"

#include <doctest/doctest.h>

#include "test/net/tls_fixtures.h"
#include "test/temp_dir.h"

namespace mini::net {
namespace {

using mini::testing::Listener;
using mini::testing::TempDir;
using mini::testing::TestCerts;
using mini::testing::TlsTestServer;
using namespace std::chrono_literals;

constexpr const char* kOkResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
    "Connection: close\r\n\r\nok";

TlsClientConfig TrustCa(const TestCerts& certs, const std::string& ca = "ca") {
  TlsClientConfig tls;
  tls.ca = certs.Cert(ca);
  tls.client_cert = certs.Cert("client");
  tls.client_key = certs.Key("client");
  return tls;
}

TEST_SUITE("net/https_client") {
  TEST_CASE("GET returns the status and content type and body") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    TlsTestServer server(certs.Cert("server"), certs.Key("server"), kOkResponse);

    Result<HttpResponse> response =
        HttpsGet("127.0.0.1", server.port(), "/readyz", TrustCa(certs), 5s);
    REQUIRE_MESSAGE(response.ok(), response.status().ToString());
    CHECK(response->status == 200);
    CHECK(response->content_type == "text/plain");
    CHECK(response->body == "ok");
  }

  TEST_CASE("a closed port is Unavailable and names host:port") {
    uint16_t port = 0;
    {
      Listener listener;  // a port nobody listens on once it is closed
      port = listener.port();
    }
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    Result<HttpResponse> response = HttpsGet("127.0.0.1", port, "/", TrustCa(certs), 5s);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kUnavailable);
    CHECK(response.status().message().find("127.0.0.1:" + std::to_string(port)) !=
          std::string::npos);
  }

  TEST_CASE("a server certificate from an untrusted CA is PermissionDenied") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    TlsTestServer server(certs.Cert("other-server"), certs.Key("other-server"), kOkResponse);
    Result<HttpResponse> response = HttpsGet("127.0.0.1", server.port(), "/", TrustCa(certs), 5s);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kPermissionDenied);
  }

  TEST_CASE("a certificate for another name is PermissionDenied") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    TlsTestServer server(certs.Cert("server"), certs.Key("server"), kOkResponse);
    TlsClientConfig tls = TrustCa(certs);
    tls.server_name = "api.example.com";
    Result<HttpResponse> response = HttpsGet("127.0.0.1", server.port(), "/", tls, 5s);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kPermissionDenied);
    CHECK(response.status().message().find("api.example.com") != std::string::npos);
  }

  TEST_CASE("a server that never answers is DeadlineExceeded") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    Listener silent;  // the kernel completes the TCP handshake; nobody speaks TLS
    auto begin = std::chrono::steady_clock::now();
    Result<HttpResponse> response =
        HttpsGet("127.0.0.1", silent.port(), "/", TrustCa(certs), 300ms);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kDeadlineExceeded);
    CHECK(std::chrono::steady_clock::now() - begin < 3s);
  }

  TEST_CASE("a missing CA file is NotFound") {
    TlsClientConfig tls;
    tls.ca = "/nonexistent/ca.crt";
    Result<HttpResponse> response = HttpsGet("127.0.0.1", 1, "/", tls, 1s);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kNotFound);
  }
}

}  // namespace
}  // namespace mini::net
