#include "drivers/native/native_driver.h"

#include <doctest/doctest.h>
#include <signal.h>

#include "common/files.h"
#include "test/fakes/fake_processes.h"
#include "test/temp_dir.h"

namespace mini::drivers::native {
using vm::MachineState;

namespace {
struct Fixture {
  testing::TempDir dir;
  std::shared_ptr<testing::FakeProcesses::Record> record =
      std::make_shared<testing::FakeProcesses::Record>();
  vm::DriverPtr driver = NewNativeDriver(std::make_unique<testing::FakeProcesses>(record));
  vm::MachineSpec spec;

  Fixture() {
    spec.name = "t1";
    spec.machine_dir = dir / "machines/t1";
    spec.console_log = dir / "logs/control-plane.log";
    spec.mini_binary = "/usr/local/bin/mini";
    spec.apiserver_port = 0;  // any free port passes the in-use check
    spec.ca_cert = dir / "ca.crt";
    spec.serving_cert = dir / "apiserver.crt";
    spec.serving_key = dir / "apiserver.key";
  }
};
}  // namespace

TEST_SUITE("drivers/native") {
  TEST_CASE("start launches mini control-plane with the profile's files and records it") {
    Fixture f;
    CHECK(f.driver->State(f.spec).value() == MachineState::kNonexistent);
    REQUIRE(f.driver->Start(f.spec).ok());
    REQUIRE(f.record->spawned.size() == 1);
    const auto& argv = f.record->spawned[0].argv;
    CHECK(argv[0] == "/usr/local/bin/mini");
    CHECK(argv[1] == "control-plane");
    CHECK(std::find(argv.begin(), argv.end(), "--client-ca-file=" + f.spec.ca_cert.string()) !=
          argv.end());
    CHECK(f.record->spawned[0].log_file == f.spec.console_log);
    CHECK(f.driver->State(f.spec).value() == MachineState::kRunning);
    CHECK(f.driver->Start(f.spec).ok());
    CHECK(f.record->spawned.size() == 1);  // already running: nothing new
  }

  TEST_CASE("a control plane that died without stop is Error, not Running") {
    Fixture f;
    REQUIRE(f.driver->Start(f.spec).ok());
    f.record->alive[4000] = false;
    CHECK(f.driver->State(f.spec).value() == MachineState::kError);
  }

  TEST_CASE("stop sends SIGTERM and leaves the machine Stopped") {
    Fixture f;
    REQUIRE(f.driver->Start(f.spec).ok());
    REQUIRE(f.driver->Stop(f.spec).ok());
    REQUIRE(f.record->signals.size() == 1);
    CHECK(f.record->signals[0].second == SIGTERM);
    CHECK(f.driver->State(f.spec).value() == MachineState::kStopped);
    CHECK(f.driver->Stop(f.spec).ok());  // stopping a stopped machine is fine
  }

  TEST_CASE("kill does not wait for a graceful shutdown") {
    Fixture f;
    f.record->obeys_sigterm = false;
    REQUIRE(f.driver->Start(f.spec).ok());
    REQUIRE(f.driver->Kill(f.spec).ok());
    CHECK(f.record->signals.back().second == SIGKILL);
    CHECK(f.driver->State(f.spec).value() == MachineState::kStopped);
  }

  TEST_CASE("delete kills the control plane and removes the machine directory") {
    Fixture f;
    REQUIRE(f.driver->Start(f.spec).ok());
    REQUIRE(f.driver->Delete(f.spec).ok());
    CHECK_FALSE(std::filesystem::exists(f.spec.machine_dir));
    CHECK(f.driver->State(f.spec).value() == MachineState::kNonexistent);
    CHECK_FALSE(f.record->alive[4000]);
  }

  TEST_CASE("a damaged pid file reads as Error rather than a guess") {
    Fixture f;
    REQUIRE(AtomicWriteFile(f.spec.machine_dir / "control-plane.pid", "garbage").ok());
    CHECK(f.driver->State(f.spec).value() == MachineState::kError);
  }

  TEST_CASE("the host check demands root and says how to get it") {
    CHECK(CheckHost(0).healthy);
    vm::HostCheck user = CheckHost(1000);
    CHECK_FALSE(user.healthy);
    CHECK(user.reason.find("root") != std::string::npos);
    CHECK(user.fix.find("sudo") != std::string::npos);
  }
}

}  // namespace mini::drivers::native
