#include "common/process.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini {

TEST_SUITE("common/process") {
  TEST_CASE("a spawned process runs in its own session with output in its log") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    auto id = processes->Spawn({{"/bin/sh", "-c", "echo started; pwd; ps -o sid= -p $$; sleep 30"},
                                dir / "logs/child.log"});
    REQUIRE(id.ok());
    CHECK(id->start_time != 0);
    CHECK(processes->Alive(*id));
    std::string log;
    for (int i = 0; i < 200 && log.find('\n', log.find("started") + 10) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      log = ReadFile(dir / "logs/child.log").value();
    }
    CHECK(log.find("started\n/\n") == 0);
    CHECK(log.find(std::to_string(id->pid)) != std::string::npos);  // session id == its pid
    CHECK(::getsid(id->pid) == id->pid);
    auto killed = TerminateProcess(*processes, *id, std::chrono::seconds(5));
    REQUIRE(killed.ok());
    CHECK_FALSE(*killed);  // sh dies on SIGTERM, no SIGKILL needed
    CHECK_FALSE(processes->Alive(*id));
  }

  TEST_CASE("CommandLine reads the arguments of a live process, empty ones included") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    auto id = processes->Spawn({{"/bin/sh", "-c", "sleep 30; exit 0", ""}, dir / "log"});
    REQUIRE(id.ok());
    // Until exec, the child still carries this process's arguments.
    std::vector<std::string> argv;
    for (int i = 0; i < 200 && (argv.empty() || argv[0] != "/bin/sh"); ++i) {
      auto read = processes->CommandLine(id->pid);
      argv = read.ok() ? *read : std::vector<std::string>{};
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(argv == std::vector<std::string>{"/bin/sh", "-c", "sleep 30; exit 0", ""});
    REQUIRE(TerminateProcess(*processes, *id, std::chrono::seconds(5)).ok());
    CHECK(processes->CommandLine(id->pid).status().code() == Code::kNotFound);
  }

  TEST_CASE("Poll reports the exit code of a child that ended") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    auto id = processes->Spawn({{"/bin/sh", "-c", "exit 7"}, dir / "log"});
    REQUIRE(id.ok());
    ChildState state;
    for (int i = 0; i < 500 && (state = processes->Poll(*id)).running; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK_FALSE(state.running);
    CHECK(state.exit_code == 7);
  }

  TEST_CASE("a second run appends to the log instead of overwriting it") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    for (const char* word : {"first-run-output", "second"}) {
      auto id = processes->Spawn({{"/bin/echo", word}, dir / "log"});
      REQUIRE(id.ok());
      for (int i = 0; i < 500 && processes->Poll(*id).running; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    CHECK(ReadFile(dir / "log").value() == "first-run-output\nsecond\n");
  }

  TEST_CASE("a process that ignores SIGTERM is killed after the grace period") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    auto id = processes->Spawn(
        {{"/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"}, dir / "log"});
    REQUIRE(id.ok());
    for (int i = 0; i < 200 && ReadFile(dir / "log").value().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto killed = TerminateProcess(*processes, *id, std::chrono::milliseconds(300));
    REQUIRE(killed.ok());
    CHECK(*killed);
    CHECK_FALSE(processes->Alive(*id));
  }

  TEST_CASE("an identity with another start time is not the same process") {
    auto processes = NewSystemProcesses();
    auto self = processes->Identify(::getpid());
    REQUIRE(self.ok());
    CHECK(processes->Alive(*self));
    CHECK_FALSE(processes->Alive({self->pid, self->start_time + 1}));
    CHECK(processes->Signal({self->pid, self->start_time + 1}, 0).code() == Code::kNotFound);
  }

  TEST_CASE("spawning a missing executable fails with a clear error") {
    testing::TempDir dir;
    auto processes = NewSystemProcesses();
    auto id = processes->Spawn({{"/nonexistent/mini"}, dir / "log"});
    CHECK_FALSE(id.ok());
  }
}

}  // namespace mini
