#include "vm/lifecycle/lifecycle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "common/files.h"
#include "kubeconfig/kubeconfig.h"
#include "test/fakes/fake_driver.h"
#include "test/temp_dir.h"
#include "vm/ninep/codec.h"

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

// Whether a 9P server answers Tversion on 127.0.0.1:port.
bool RversionFrom(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ninep::Writer w(ninep::kTversion, ninep::kNoTag);
  w.U32(8192).Str("9P2000.L");
  std::string m = std::move(w).Finish();
  char reply[64] = {};
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::write(fd, m.data(), m.size()) == static_cast<ssize_t>(m.size()) &&
            ::read(fd, reply, sizeof reply) > static_cast<ssize_t>(ninep::kHeaderSize) &&
            reply[4] == ninep::kTversion + 1;
  ::close(fd);
  return ok;
}

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

  TEST_CASE("mount serves the directory while it waits, mounted and then unmounted in the guest") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    std::filesystem::create_directories(f.dir / "share");
    MountRequest request{f.dir / "share", "/mnt/x", 0, 1000, 1000, 65536};
    bool answered = false;
    Status s = MountHostDir(f.ctx, "t1", request, [&] {
      const std::string& mount = f.world->calls.back();
      CHECK(mount.starts_with("Shell mkdir -p '/mnt/x' && mount -t 9p -o trans=tcp,port="));
      CHECK(mount.ends_with(",version=9p2000.L,msize=65536,dfltuid=1000,dfltgid=1000 127.0.0.1 "
                            "'/mnt/x'"));
      int port = std::stoi(mount.substr(mount.find("port=") + 5));
      answered = RversionFrom(static_cast<uint16_t>(port));
    });
    CHECK(s.ok());
    CHECK(answered);
    CHECK(f.world->calls.back() == "Shell umount -l '/mnt/x'");
    CHECK(f.Said("Successfully mounted"));
    CHECK(StopCluster(f.ctx, "t1").ok());
  }

  TEST_CASE("mount refuses a stopped machine and a failed guest mount, without waiting") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request("t1")).ok());
    std::filesystem::create_directories(f.dir / "share");
    MountRequest request{f.dir / "share", "/mnt/x"};
    bool waited = false;
    f.world->shell_exit = 32;
    Status failed = MountHostDir(f.ctx, "t1", request, [&] { waited = true; });
    CHECK(failed.reason() == "GUEST_MOUNT");
    CHECK(failed.message().find("exit code 32") != std::string::npos);
    REQUIRE(StopCluster(f.ctx, "t1").ok());
    Status stopped = MountHostDir(f.ctx, "t1", request, [&] { waited = true; });
    CHECK(stopped.reason() == "GUEST_NOT_RUNNING");
    CHECK_FALSE(waited);
  }
}

}  // namespace mini::vm
