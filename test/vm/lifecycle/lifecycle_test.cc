#include "vm/lifecycle/lifecycle.h"

#include <doctest/doctest.h>

#include "common/files.h"
#include "kubeconfig/kubeconfig.h"
#include "test/fakes/fake_driver.h"
#include "test/temp_dir.h"

namespace mini::vm {
namespace {

struct Fixture {
  testing::TempDir dir;
  std::shared_ptr<testing::FakeDriver::World> world =
      std::make_shared<testing::FakeDriver::World>();
  DriverRegistry registry;
  std::vector<std::string> said;
  Context ctx{Home(dir / "home"), &registry, dir / "kube/config",
              [this](const std::string& line) { said.push_back(line); }};

  Fixture() { REQUIRE(registry.Register(testing::FakeDriver::Definition(world)).ok()); }

  StartRequest Request(const std::string& name) {
    StartRequest r;
    r.config.name = name;
    r.config.driver = "fake";
    r.wait_timeout = std::chrono::seconds(10);
    return r;
  }
  bool Said(const std::string& needle) const {
    for (const auto& line : said) {
      if (line.find(needle) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace

TEST_SUITE("vm/lifecycle") {
  TEST_CASE("start provisions certificates, waits for readyz and wires kubeconfig") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    CHECK(std::filesystem::exists(f.ctx.home.CaCert()));
    CHECK(std::filesystem::exists(f.ctx.home.ProfileDir("t1") / "client.key"));
    CHECK(LoadProfile(f.ctx.home, "t1").value().driver == "fake");
    CHECK(kubeconfig::CurrentContext(f.ctx.kubeconfig).value() == std::optional<std::string>("t1"));
    CHECK(f.Said("Done!"));

    auto status = GetStatus(f.ctx, "t1");
    REQUIRE(status.ok());
    CHECK(status->host == "Running");
    CHECK(status->apiserver == "Running");
    CHECK(status->kubeconfig == "Configured");
    CHECK(status->kubelet == "Stopped");  // no node has registered
    CHECK(status->ExitCode() == 2);
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("starting a running cluster again is a no-op that says so") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    CHECK(std::count(f.world->calls.begin(), f.world->calls.end(), "Start t1") == 1);
    CHECK(f.Said("already running"));
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("an existing profile refuses a different driver") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    REQUIRE(f.registry
                .Register({"other",
                           {},
                           0,
                           [](const HostContext&) {
                             return HostCheck{true, "", ""};
                           },
                           [] { return DriverPtr(); }})
                .ok());
    StartRequest r = f.Request("t1");
    r.config.driver = "other";
    r.given = {"driver"};
    Status s = StartCluster(f.ctx, r);
    CHECK(s.reason() == "GUEST_DRIVER_MISMATCH");
    CHECK(s.advice().find("mini delete -p t1") != std::string::npos);
    r.config.driver = "pretend";  // an alias of the same driver is no change
    r.config.cpus = 7;
    r.given.insert("cpus");
    CHECK(StartCluster(f.ctx, r).ok());
    CHECK(f.Said("The cpus of an existing cluster cannot change; keeping 2"));
    CHECK(LoadProfile(f.ctx.home, "t1").value().cpus == 2);
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("a machine smaller than the driver's minimum is refused before anything is saved") {
    Fixture f;
    REQUIRE(f.registry
                .Register({"small",
                           {},
                           0,
                           [](const HostContext&) {
                             return HostCheck{true, "", ""};
                           },
                           [] { return DriverPtr(); },
                           1024,
                           2048})
                .ok());
    StartRequest r = f.Request("t1");
    r.config.driver = "small";
    r.config.memory_mb = 100;
    Status s = StartCluster(f.ctx, r);
    CHECK(s.reason() == "RSRC_INSUFFICIENT_MEMORY");
    CHECK(s.message().find("minimum of 1024 MB") != std::string::npos);
    r.config.memory_mb = 2048;
    r.config.disk_size_mb = 1;
    CHECK(StartCluster(f.ctx, r).reason() == "RSRC_INSUFFICIENT_STORAGE");
    CHECK_FALSE(ProfileExists(f.ctx.home, "t1"));
  }

  TEST_CASE("--wait=none returns once the machine is launched, kubeconfig wired") {
    Fixture f;
    StartRequest r = f.Request("t1");
    r.wait = StartRequest::WaitFor::kNone;
    REQUIRE(StartCluster(f.ctx, r).ok());
    CHECK(f.Said("without waiting"));
    CHECK(kubeconfig::CurrentContext(f.ctx.kubeconfig).value() == std::optional<std::string>("t1"));
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("a machine that dies while booting fails start with its last words") {
    Fixture f;
    f.world->die_on_start = true;
    Status s = StartCluster(f.ctx, f.Request("t1"));
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("fatal: out of pretend memory") != std::string::npos);
    CHECK(s.reason() == "GUEST_CONTROL_PLANE");
    CHECK(f.world->calls.back() == "Kill t1");
    CHECK_FALSE(kubeconfig::CurrentContext(f.ctx.kubeconfig).value().has_value());
  }

  TEST_CASE("a crashed machine is Error in status and start brings it back") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    f.world->crashed["t1"] = true;
    auto status = GetStatus(f.ctx, "t1");
    REQUIRE(status.ok());
    CHECK(status->host == "Error");
    CHECK((status->ExitCode() & 3) == 3);
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    CHECK(GetStatus(f.ctx, "t1").value().host == "Running");
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("stop leaves a Stopped machine whose status exits 7") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    REQUIRE(StopCluster(f.ctx, "t1").ok());
    auto status = GetStatus(f.ctx, "t1");
    REQUIRE(status.ok());
    CHECK(status->host == "Stopped");
    CHECK(status->kubeconfig == "Stopped");
    CHECK(status->ExitCode() == 7);
    CHECK(StopCluster(f.ctx, "t1").ok());
    CHECK(f.Said("already stopped"));
    CHECK(StopCluster(f.ctx, "nope").code() == Code::kNotFound);
  }

  TEST_CASE("update-context repairs entries that point elsewhere") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    kubeconfig::Entry stale{"t1", "https://127.0.0.1:1", f.ctx.home.CaCert(), "/x.crt", "/x.key"};
    REQUIRE(kubeconfig::Upsert(f.ctx.kubeconfig, stale, true).ok());
    CHECK(GetStatus(f.ctx, "t1").value().kubeconfig == "Misconfigured");
    REQUIRE(UpdateContext(f.ctx, "t1").ok());
    CHECK(GetStatus(f.ctx, "t1").value().kubeconfig == "Configured");
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("delete removes the machine, the profile and only its kubeconfig entries") {
    Fixture f;
    kubeconfig::Entry other{"other", "https://192.0.2.1:6443", "/ca", "/c", "/k"};
    REQUIRE(kubeconfig::Upsert(f.ctx.kubeconfig, other, false).ok());
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    REQUIRE(DeleteCluster(f.ctx, "t1").ok());
    CHECK_FALSE(std::filesystem::exists(f.ctx.home.ProfileDir("t1")));
    CHECK_FALSE(std::filesystem::exists(f.ctx.home.MachineDir("t1")));
    CHECK(f.world->servers.empty());
    CHECK(kubeconfig::Check(f.ctx.kubeconfig, other).value() == kubeconfig::State::kConfigured);
    CHECK_FALSE(kubeconfig::CurrentContext(f.ctx.kubeconfig).value().has_value());
    CHECK(DeleteCluster(f.ctx, "t1").ok());  // deleting again is harmless
  }
}

}  // namespace mini::vm
