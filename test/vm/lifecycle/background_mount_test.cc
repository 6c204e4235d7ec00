#include "vm/lifecycle/background_mount.h"

#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>

#include "common/files.h"
#include "test/fakes/fake_driver.h"
#include "test/fakes/fake_processes.h"
#include "test/temp_dir.h"

namespace mini::vm {
namespace {

namespace fs = std::filesystem;
using Record = testing::FakeProcesses::Record;

// A driver without boot-time shares, and `mini mount` processes that print what the real one
// prints (by default, that it mounted).
struct Fixture {
  testing::TempDir dir;
  std::shared_ptr<testing::FakeDriver::World> world =
      std::make_shared<testing::FakeDriver::World>();
  std::shared_ptr<Record> record = std::make_shared<Record>();
  DriverRegistry registry;
  std::vector<std::string> said;
  Context ctx{Home(dir / "home"), &registry, dir / "kube/config",
              [this](const std::string& line) { said.push_back(line); }};
  std::string mount_output = "* Successfully mounted\n";
  bool mount_exits = false;
  fs::path share = dir / "share";

  Fixture() {
    REQUIRE(registry.Register(testing::FakeDriver::Definition(world)).ok());
    world->shares_at_start = false;
    ctx.processes = std::make_shared<testing::FakeProcesses>(record);
    record->on_spawn = [this](const SpawnOptions& options) {
      REQUIRE(AppendFile(options.log_file, mount_output));
      if (mount_exits) record->alive[record->next_pid - 1] = false;
    };
    fs::create_directories(share);
  }

  static bool AppendFile(const fs::path& file, const std::string& text) {
    auto old = ReadFile(file);
    return MakeDirs(file.parent_path()).ok() &&
           AtomicWriteFile(file, (old.ok() ? *old : "") + text).ok();
  }
  StartRequest Request() {
    StartRequest r;
    r.config.name = "t1";
    r.config.driver = "fake";
    r.config.mounts = {share.string() + ":/mnt/share"};
    r.wait_timeout = std::chrono::seconds(10);
    return r;
  }
  std::string Mount() const { return share.string() + ":/mnt/share"; }
  fs::path PidFile() const { return ctx.home.MountPidFile("t1"); }
  size_t Signals(int signal) const {
    size_t n = 0;
    for (auto [pid, s] : record->signals) n += s == signal ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_SUITE("vm/lifecycle/background_mount") {
  TEST_CASE("mount.pid records survive a round trip and a missing file is none") {
    testing::TempDir dir;
    fs::path file = dir / "mount.pid";
    CHECK(ReadMountPids(file).value().empty());
    REQUIRE(WriteMountPids(file, {{{42, 7}, "/a:/b"}, {{43, 8}, "/c:/d"}}).ok());
    auto records = ReadMountPids(file);
    REQUIRE(records.ok());
    REQUIRE(records->size() == 2);
    CHECK(records->at(1).id.pid == 43);
    CHECK(records->at(1).id.start_time == 8);
    CHECK(records->at(1).mount == "/c:/d");
    REQUIRE(WriteMountPids(file, {}).ok());
    CHECK_FALSE(fs::exists(file));
  }

  TEST_CASE("a damaged mount.pid is refused as damaged") {
    testing::TempDir dir;
    fs::path file = dir / "mount.pid";
    for (const char* text : {"not json", "[]", R"({"mounts": [{"pid": "x"}]})",
                             R"({"mounts": [{"pid": -1, "startTime": 1, "mount": "/a:/b"}]})"}) {
      CAPTURE(text);
      REQUIRE(AtomicWriteFile(file, text).ok());
      CHECK(ReadMountPids(file).status().code() == Code::kInvalidArgument);
    }
  }

  TEST_CASE("only a live process started as that mount of that profile is ours") {
    auto record = std::make_shared<Record>();
    testing::FakeProcesses processes(record);
    std::vector<std::string> argv = {"/bin/mini"};
    for (const auto& arg : MountArgs("/a:/b", "p1")) argv.push_back(arg);
    ProcessId id = processes.Spawn({argv, "/dev/null"}).value();
    CHECK(IsOurMount(processes, {id, "/a:/b"}, "p1"));
    CHECK_FALSE(IsOurMount(processes, {id, "/a:/c"}, "p1"));
    CHECK_FALSE(IsOurMount(processes, {id, "/a:/b"}, "p2"));
    CHECK_FALSE(IsOurMount(processes, {{id.pid, id.start_time + 1}, "/a:/b"}, "p1"));
    SUBCASE("a pid taken by another program") {
      record->command_lines[id.pid] = {"/usr/bin/vim", "notes"};
      CHECK_FALSE(IsOurMount(processes, {id, "/a:/b"}, "p1"));
    }
    SUBCASE("a process that has exited") {
      record->alive[id.pid] = false;
      CHECK_FALSE(IsOurMount(processes, {id, "/a:/b"}, "p1"));
    }
  }

  TEST_CASE("start without boot-time shares boots bare, then leaves a mount running") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request()).ok());
    CHECK(f.world->started_mounts.empty());
    REQUIRE(f.record->spawned.size() == 1);
    const SpawnOptions& spawned = f.record->spawned[0];
    CHECK(std::vector<std::string>(spawned.argv.begin() + 1, spawned.argv.end()) ==
          std::vector<std::string>{"mount", f.Mount(), "-p", "t1"});
    CHECK(spawned.log_file == f.ctx.home.LogDir("t1") / "mount.log");
    auto records = ReadMountPids(f.PidFile()).value();
    REQUIRE(records.size() == 1);
    CHECK(records[0].id.pid == 4000);
    CHECK(LoadProfile(f.ctx.home, "t1").value().mounts == std::vector<std::string>{f.Mount()});

    SUBCASE("starting the running cluster again keeps the mount") {
      REQUIRE(StartCluster(f.ctx, f.Request()).ok());
      CHECK(f.record->spawned.size() == 1);
    }
    SUBCASE("stop ends it, and start mounts again") {
      REQUIRE(StopCluster(f.ctx, "t1").ok());
      CHECK(f.Signals(SIGTERM) == 1);
      CHECK_FALSE(fs::exists(f.PidFile()));
      StartRequest again;
      again.config.name = "t1";
      REQUIRE(StartCluster(f.ctx, again).ok());
      CHECK(f.record->spawned.size() == 2);
      CHECK(ReadMountPids(f.PidFile()).value().at(0).id.pid == 4001);
    }
    SUBCASE("delete ends it") {
      REQUIRE(DeleteCluster(f.ctx, "t1").ok());
      CHECK(f.Signals(SIGTERM) == 1);
      CHECK_FALSE(f.record->alive[4000]);
      CHECK_FALSE(fs::exists(f.PidFile()));
    }
  }

  TEST_CASE("a mount given to a running cluster is mounted and remembered") {
    Fixture f;
    StartRequest bare = f.Request();
    bare.config.mounts.clear();
    REQUIRE(StartCluster(f.ctx, bare).ok());
    CHECK(f.record->spawned.empty());
    REQUIRE(StartCluster(f.ctx, f.Request()).ok());
    CHECK(f.record->spawned.size() == 1);
    CHECK(std::count(f.world->calls.begin(), f.world->calls.end(), "Start t1") == 1);
    CHECK(LoadProfile(f.ctx.home, "t1").value().mounts == std::vector<std::string>{f.Mount()});
  }

  TEST_CASE("a stale mount.pid is dropped without signalling anyone") {
    Fixture f;
    REQUIRE(StartCluster(f.ctx, f.Request()).ok());
    f.record->command_lines[4000] = {"/usr/bin/sleep", "100"};  // the pid was reused
    REQUIRE(StopCluster(f.ctx, "t1").ok());
    CHECK(f.record->signals.empty());
    CHECK_FALSE(fs::exists(f.PidFile()));
    REQUIRE(AtomicWriteFile(f.PidFile(), "damaged").ok());
    REQUIRE(DeleteCluster(f.ctx, "t1").ok());
    CHECK(f.record->signals.empty());
  }

  TEST_CASE("a mount that fails fails start with its own error and records nothing") {
    Fixture f;
    f.mount_output = "X Exiting due to GUEST_MOUNT: mounting in the VM failed (exit code 32)\n";
    f.mount_exits = true;
    Status s = StartCluster(f.ctx, f.Request());
    CHECK(s.code() == Code::kUnavailable);
    CHECK(s.reason() == "GUEST_MOUNT");
    CHECK(s.message().find("mounting " + f.share.string() +
                           " into the VM as /mnt/share failed: "
                           "GUEST_MOUNT: mounting in the VM failed (exit code 32)") !=
          std::string::npos);
    CHECK(s.advice().find("mount.log") != std::string::npos);
    CHECK_FALSE(fs::exists(f.PidFile()));
  }

  TEST_CASE("a driver that shares at start gets the mounts and no process is started") {
    Fixture f;
    f.world->shares_at_start = true;
    REQUIRE(StartCluster(f.ctx, f.Request()).ok());
    CHECK(f.world->started_mounts == std::vector<std::string>{f.Mount()});
    CHECK(f.record->spawned.empty());
    CHECK_FALSE(fs::exists(f.PidFile()));
  }
}

}  // namespace mini::vm
