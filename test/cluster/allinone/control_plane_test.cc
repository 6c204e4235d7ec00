#include "cluster/allinone/control_plane.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <future>
#include <thread>

#include "common/files.h"
#include "net/https_client.h"
#include "test/net/tls_fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster {
namespace {

using mini::testing::TempDir;
using mini::testing::TestCerts;
using namespace std::chrono_literals;

// Runs `body` with stderr sent to a file and returns what was written there.
template <typename Body>
std::string CaptureStderr(const std::filesystem::path& file, Body body) {
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  body();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  Result<std::string> text = ReadFile(file);
  return text.ok() ? *text : "";
}

ControlPlaneOptions Options(const TempDir& dir, const TestCerts& certs, uint16_t port) {
  ControlPlaneOptions options;
  options.data_dir = dir / "data";
  options.bind_address = "127.0.0.1";
  options.secure_port = port;
  options.tls_cert_file = certs.Cert("server");
  options.tls_private_key_file = certs.Key("server");
  options.client_ca_file = certs.Cert("ca");
  return options;
}

TEST_SUITE("allinone/control_plane") {
  TEST_CASE("serves readyz until stopped and then returns 0") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    std::promise<uint16_t> ready;
    int exit_code = -1;
    std::jthread runner([&](std::stop_token stop) {
      RunHooks hooks{stop, [&ready](uint16_t port) { ready.set_value(port); }};
      exit_code = RunControlPlane(Options(dir, certs, 0), hooks);
    });
    auto port_future = ready.get_future();
    REQUIRE(port_future.wait_for(10s) == std::future_status::ready);
    net::TlsClientConfig tls;
    tls.ca = certs.Cert("ca");
    auto response = net::HttpsGet("127.0.0.1", port_future.get(), "/readyz", tls, 5s);
    REQUIRE_MESSAGE(response.ok(), response.status().ToString());
    CHECK(response->body == "ok");

    struct stat info {};
    REQUIRE(::stat((dir / "data").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);

    runner.request_stop();
    runner.join();
    CHECK(exit_code == 0);
  }

  TEST_CASE("exits 3 with one line on stderr when the port is taken") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    mini::testing::Listener taken;
    int exit_code = -1;
    std::string err = CaptureStderr(dir / "stderr", [&] {
      exit_code = RunControlPlane(Options(dir, certs, taken.port()), RunHooks{});
    });
    CHECK(exit_code == 3);
    CHECK(err == fmt::format("mini control-plane: cannot listen on 127.0.0.1:{}: "
                             "address already in use\n",
                             taken.port()));
  }

  TEST_CASE("exits 1 when the serving certificate cannot be loaded") {
    TempDir dir;
    TestCerts certs(dir.path());
    REQUIRE(certs.ok());
    ControlPlaneOptions options = Options(dir, certs, 0);
    options.tls_cert_file = dir / "missing.crt";
    int exit_code = -1;
    std::string err =
        CaptureStderr(dir / "stderr", [&] { exit_code = RunControlPlane(options, RunHooks{}); });
    CHECK(exit_code == 1);
    CHECK(err.starts_with("mini control-plane: serving certificate"));
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  }
}

}  // namespace
}  // namespace mini::cluster
