#include "cluster/apiserver/server.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "cluster/apiserver/health.h"
#include "cluster/apiserver/version_handler.h"
#include "common/json.h"
#include "net/https_client.h"
#include "test/net/tls_fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster::apiserver {
namespace {

using mini::testing::RawHttps;
using mini::testing::TempDir;
using mini::testing::TestCerts;
using namespace std::chrono_literals;

// A streamed body written from its own thread, as a watch is fed by the store's thread.
class TickerStream : public BodyStream {
 public:
  TickerStream(int count, bool close) : count_(count), close_(close) {}
  ~TickerStream() override {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  void Start(std::shared_ptr<StreamSink> sink) override {
    thread_ = std::thread([this, sink] {
      for (int i = 0; i < count_; ++i) {
        sink->Write(fmt::format("{{\"n\":{}}}\n", i));
      }
      if (close_) {
        sink->Close();
      }
    });
  }
  void Cancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  bool WaitCancelled() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 5s, [this] { return cancelled_; });
  }

 private:
  int count_;
  bool close_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

class Fixture {
 public:
  Fixture() : certs_(dir_.path()) { REQUIRE(certs_.ok()); }

  void Start(ServerOptions options = {}) {
    InstallHealthHandlers(*router_, health_);
    InstallVersionHandler(*router_);
    router_->Handle(
        "GET", "/whoami",
        [](const Request& request) {
          std::string groups = fmt::format("{}", fmt::join(request.user.groups, ","));
          return TextResponse(200, request.user.name + " " + groups);
        },
        Access::kPublic);
    options.bind_address = "127.0.0.1";
    options.port = 0;
    options.cert_file = certs_.Cert("server");
    options.key_file = certs_.Key("server");
    options.client_ca_file = certs_.Cert("ca");
    auto created = Server::Create(options, router_);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    server_ = std::move(created).value();
    server_->Start();
  }

  Result<net::HttpResponse> Get(const std::string& target, const std::string& client = "client") {
    net::TlsClientConfig tls;
    tls.ca = certs_.Cert("ca");
    if (!client.empty()) {
      tls.client_cert = certs_.Cert(client);
      tls.client_key = certs_.Key(client);
    }
    return net::HttpsGet("127.0.0.1", server_->port(), target, tls, 5s);
  }

  mini::testing::RawExchange Raw(const std::string& request, const std::string& stop_after = "") {
    return RawHttps(server_->port(), request, certs_.Cert("ca"), certs_.Cert("client"),
                    certs_.Key("client"), stop_after);
  }

  TempDir dir_;
  TestCerts certs_;
  HealthChecks health_;
  std::shared_ptr<Router> router_ = std::make_shared<Router>();
  std::unique_ptr<Server> server_;
};

boost::json::object ParseObject(const std::string& text) {
  auto parsed = ParseJson(text, "response");
  REQUIRE_MESSAGE(parsed.ok(), text);
  REQUIRE(parsed->is_object());
  return parsed->as_object();
}

TEST_SUITE("apiserver/server") {
  TEST_CASE_FIXTURE(Fixture, "readyz answers ok to anonymous and certificate users") {
    Start();
    for (std::string client : {"", "client"}) {
      auto response = Get("/readyz", client);
      REQUIRE_MESSAGE(response.ok(), response.status().ToString());
      CHECK(response->status == 200);
      CHECK(response->body == "ok");
      CHECK(response->content_type == "text/plain; charset=utf-8");
    }
  }

  TEST_CASE_FIXTURE(Fixture, "a client certificate names the user and its groups") {
    Start();
    CHECK(Get("/whoami")->body == "alice devs,admins,system:authenticated");
    CHECK(Get("/whoami", "")->body == "system:anonymous system:unauthenticated");
  }

  TEST_CASE_FIXTURE(Fixture, "readyz?verbose lists every check") {
    health_.Add("etcd", Probe::kReadiness, [] { return Status::Ok(); });
    Start();
    auto response = Get("/readyz?verbose");
    REQUIRE(response.ok());
    CHECK(response->status == 200);
    CHECK(response->body == "[+]ping ok\n[+]log ok\n[+]etcd ok\nreadyz check passed\n");
    CHECK(Get("/livez?verbose")->body == "[+]ping ok\n[+]log ok\nlivez check passed\n");
  }

  TEST_CASE_FIXTURE(Fixture, "a failing check makes readyz answer 500 with the reason") {
    health_.Add("shutdown", Probe::kReadiness,
                [] { return Error(Code::kUnavailable, "process is shutting down"); });
    Start();
    auto response = Get("/readyz");
    REQUIRE(response.ok());
    CHECK(response->status == 500);
    CHECK(response->body ==
          "[+]ping ok\n[+]log ok\n[-]shutdown failed: process is shutting down\n"
          "readyz check failed\n");
    CHECK(Get("/livez")->status == 200);  // readiness checks do not affect liveness
    CHECK(Get("/readyz?exclude=shutdown")->status == 200);
    CHECK(Get("/readyz/shutdown")->status == 500);
    CHECK(Get("/readyz/ping")->body == "ok");
  }

  TEST_CASE_FIXTURE(Fixture, "version reports Kubernetes 1.32 to anonymous users") {
    Start();
    auto response = Get("/version", "");
    REQUIRE(response.ok());
    CHECK(response->status == 200);
    CHECK(response->content_type == "application/json");
    boost::json::object version = ParseObject(response->body);
    CHECK(version.at("major") == "1");
    CHECK(version.at("minor") == "32");
    CHECK(version.at("gitVersion") == "v1.32.4");
    CHECK(version.at("gitCommit").as_string().size() == 40);
    CHECK(version.at("platform") == "linux/amd64");
  }

  TEST_CASE_FIXTURE(Fixture, "anonymous requests to API paths get 401 Status") {
    Start();
    auto response = Get("/api", "");
    REQUIRE(response.ok());
    CHECK(response->status == 401);
    CHECK(response->body ==
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
          R"("message":"Unauthorized","reason":"Unauthorized","code":401})");
  }

  TEST_CASE_FIXTURE(Fixture, "authenticated requests to unknown paths get 404 Status") {
    Start();
    auto response = Get("/apis/nothing.example.com/v1");
    REQUIRE(response.ok());
    CHECK(response->status == 404);
    boost::json::object status = ParseObject(response->body);
    CHECK(status.at("kind") == "Status");
    CHECK(status.at("reason") == "NotFound");
    CHECK(status.at("message") == "the server could not find the requested resource");
    CHECK(status.at("code") == 404);
  }

  TEST_CASE_FIXTURE(Fixture, "a client certificate from another CA fails the handshake") {
    Start();
    auto response = Get("/readyz", "other-client");
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == Code::kPermissionDenied);
    // The server keeps serving others.
    CHECK(Get("/readyz")->status == 200);
  }

  TEST_CASE_FIXTURE(Fixture, "request bodies over the limit get 413") {
    Start();
    std::string body(4u << 20, 'x');
    SUBCASE("announced by Content-Length") {
      auto exchange =
          Raw(fmt::format("POST /api/v1/namespaces HTTP/1.1\r\nHost: localhost\r\n"
                          "Content-Length: {}\r\n\r\n{}",
                          body.size(), body));
      CHECK(exchange.status() == 413);
      CHECK(exchange.received.find("RequestEntityTooLarge") != std::string::npos);
    }
    SUBCASE("sent chunked") {
      auto exchange =
          Raw(fmt::format("POST /api/v1/namespaces HTTP/1.1\r\nHost: localhost\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                          body.size(), body));
      CHECK(exchange.status() == 413);
    }
  }

  TEST_CASE_FIXTURE(Fixture, "a kept-alive connection serves several requests") {
    Start();
    auto exchange =
        Raw("GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n"
            "GET /version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    CHECK(exchange.status() == 200);
    CHECK(exchange.received.find("\r\n\r\nok") != std::string::npos);
    CHECK(exchange.received.find("\"minor\":\"32\"") != std::string::npos);
  }

  TEST_CASE_FIXTURE(Fixture, "a streamed body arrives chunked and ends the connection") {
    auto ticker = std::make_shared<TickerStream>(3, true);
    router_->Handle("GET", "/stream", [ticker](const Request&) {
      Response response;
      response.content_type = "application/json";
      response.stream = ticker;
      return response;
    });
    Start();
    auto exchange = Raw("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(exchange.status() == 200);
    CHECK(exchange.received.find("Transfer-Encoding: chunked") != std::string::npos);
    INFO(exchange.received);
    CHECK(exchange.received.ends_with(
        "\r\n\r\n8\r\n{\"n\":0}\n\r\n8\r\n{\"n\":1}\n\r\n8\r\n{\"n\":2}\n\r\n0\r\n\r\n"));
  }

  TEST_CASE_FIXTURE(Fixture, "a client hanging up cancels its stream") {
    auto ticker = std::make_shared<TickerStream>(1, false);
    router_->Handle("GET", "/stream", [ticker](const Request&) {
      Response response;
      response.content_type = "application/json";
      response.stream = ticker;
      return response;
    });
    Start();
    auto exchange = Raw("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n", "{\"n\":0}");
    CHECK(exchange.status() == 200);
    CHECK(ticker->WaitCancelled());
  }

  TEST_CASE_FIXTURE(Fixture, "a deferred response leaves the only server thread free for others") {
    std::mutex mu;
    std::shared_ptr<Responder> waiting;
    std::condition_variable parked;
    router_->Handle("GET", "/later", [&](const Request&) {
      return Deferred([&](std::shared_ptr<Responder> responder) {
        std::lock_guard lock(mu);
        waiting = responder;
        parked.notify_all();
      });
    });
    ServerOptions options;
    options.threads = 1;
    Start(options);
    std::future<Result<net::HttpResponse>> later = std::async(std::launch::async, [this] {
      return Get("/later");
    });
    {
      std::unique_lock lock(mu);
      REQUIRE(parked.wait_for(lock, 5s, [&] { return waiting != nullptr; }));
    }
    // Served by the same single thread while /later waits.
    CHECK(Get("/readyz")->status == 200);
    CHECK(later.wait_for(100ms) == std::future_status::timeout);
    // The answer comes from another thread, after a continuation ran on the server's.
    std::thread answer([&] {
      std::lock_guard lock(mu);
      waiting->Post([responder = waiting] { responder->Send(TextResponse(202, "done")); });
      waiting.reset();
    });
    answer.join();
    auto response = later.get();
    REQUIRE(response.ok());
    CHECK(response->status == 202);
    CHECK(response->body == "done");
  }

  TEST_CASE_FIXTURE(Fixture, "a deferred response that is never sent becomes a 500") {
    router_->Handle("GET", "/lost", [](const Request&) {
      return Deferred([](std::shared_ptr<Responder> responder) {
        responder->Post([] { throw std::runtime_error("lost"); });
      });
    });
    router_->Handle("GET", "/twice", [](const Request&) {
      return Deferred([](std::shared_ptr<Responder> responder) {
        responder->Send(TextResponse(200, "first"));
        responder->Send(TextResponse(200, "second"));
      });
    });
    Start();
    auto lost = Get("/lost");
    REQUIRE(lost.ok());
    CHECK(lost->status == 500);
    CHECK(ParseObject(lost->body).at("reason") == "InternalError");
    CHECK(Get("/twice")->body == "first");
    Request in_process{.method = "GET", .path = "/twice", .user = {.authenticated = true}};
    CHECK(Resolve(router_->Dispatch(in_process)).body == "first");
  }

  TEST_CASE_FIXTURE(Fixture, "a client that sends nothing is timed out") {
    ServerOptions options;
    options.header_timeout = 200ms;
    Start(options);
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(server_->port());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    char byte = 0;
    auto begin = std::chrono::steady_clock::now();
    CHECK(::recv(fd, &byte, 1, 0) == 0);  // the server closed it
    CHECK(std::chrono::steady_clock::now() - begin < 3s);
    ::close(fd);
  }

  TEST_CASE_FIXTURE(Fixture, "Stop closes idle kept-alive connections at once") {
    std::promise<void> served;
    router_->Handle("GET", "/served", [&served](const Request&) {
      served.set_value();
      return TextResponse(200, "ok");
    });
    Start();
    mini::testing::RawExchange exchange;
    std::thread client([&] { exchange = Raw("GET /served HTTP/1.1\r\nHost: localhost\r\n\r\n"); });
    REQUIRE(served.get_future().wait_for(5s) == std::future_status::ready);
    std::this_thread::sleep_for(100ms);  // let the response go out; the connection idles
    auto begin = std::chrono::steady_clock::now();
    server_->Stop(10s);
    CHECK(std::chrono::steady_clock::now() - begin < 5s);
    client.join();
    CHECK(exchange.status() == 200);
    CHECK(Get("/readyz").status().code() == Code::kUnavailable);
  }

  TEST_CASE("Create reports a taken port as FailedPrecondition") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    mini::testing::Listener taken;
    ServerOptions options;
    options.bind_address = "127.0.0.1";
    options.port = taken.port();
    options.cert_file = certs.Cert("server");
    options.key_file = certs.Key("server");
    auto created = Server::Create(options, std::make_shared<Router>());
    REQUIRE_FALSE(created.ok());
    CHECK(created.status().code() == Code::kFailedPrecondition);
    CHECK(created.status().message() ==
          fmt::format("cannot listen on 127.0.0.1:{}: address already in use", taken.port()));
  }

  TEST_CASE("Create reports a missing certificate as NotFound") {
    ServerOptions options;
    options.bind_address = "127.0.0.1";
    options.port = 0;
    options.cert_file = "/nonexistent/server.crt";
    options.key_file = "/nonexistent/server.key";
    auto created = Server::Create(options, std::make_shared<Router>());
    REQUIRE_FALSE(created.ok());
    CHECK(created.status().code() == Code::kNotFound);
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver
