// A full disk: a child process writes under a small file size limit (RLIMIT_FSIZE, with
// SIGXFSZ ignored so write(2) fails with EFBIG instead of killing it) until an append fails.
// The failure must be a clear error, the same connection must work once space is back, and
// every acknowledged write must be on disk.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>

#include "test/cluster/store/sqlite/sqlite_test_util.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {

using testing::BatchOf;
using testing::Put;

constexpr rlim_t kFileLimit = 2 << 20;

std::string ValueFor(int64_t revision) {
  return std::string(16 * 1024, static_cast<char>('a' + revision % 26)) + std::to_string(revision);
}

void Report(int fd, const std::string& line) {
  std::string text = line + "\n";
  // A pipe write of less than PIPE_BUF bytes is atomic; the parent reads whole lines.
  [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
}

// The child's side: no doctest macros, only lines on `fd` and the exit code.
int FillDisk(const std::filesystem::path& path, int fd) {
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit limit{kFileLimit, RLIM_INFINITY};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
    Report(fd, "fatal setrlimit");
    return 2;
  }
  auto log = SqliteLog::Open(path, {});
  if (!log.ok() || !(*log)->Load().ok()) {
    Report(fd, "fatal open " + log.status().ToString());
    return 2;
  }
  int64_t revision = 1;
  for (;; ++revision) {
    Status status = (*log)->Append(
        BatchOf({Put(revision, "key/" + std::to_string(revision % 50), ValueFor(revision))}));
    if (!status.ok()) {
      Report(fd, "error " + std::string(CodeName(status.code())) + " " + status.ToString());
      break;
    }
    Report(fd, "ack " + std::to_string(revision));
  }
  // Space is back: the same connection takes the same revision.
  limit.rlim_cur = RLIM_INFINITY;
  ::setrlimit(RLIMIT_FSIZE, &limit);
  if (!(*log)
           ->Append(
               BatchOf({Put(revision, "key/" + std::to_string(revision % 50), ValueFor(revision))}))
           .ok()) {
    Report(fd, "fatal append after the disk had space again");
    return 3;
  }
  Report(fd, "recovered " + std::to_string(revision));
  return 0;
}

// Runs FillDisk in a forked child; returns what it printed once it exited with status 0.
std::string RunFillDisk(const std::filesystem::path& path) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::_exit(FillDisk(path, fds[1]));
  }
  ::close(fds[1]);
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;) {
    output.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  INFO(output);
  REQUIRE(WIFEXITED(wstatus));
  CHECK(WEXITSTATUS(wstatus) == 0);
  return output;
}

TEST_SUITE("store/sqlite/disk_full") {
  TEST_CASE("a full disk fails the append clearly and keeps every acknowledged write") {
    mini::testing::TempDir dir;
    auto path = dir / "mini.db";
    std::istringstream lines(RunFillDisk(path));
    std::string line;
    int64_t acked = 0;
    int64_t recovered = 0;
    while (std::getline(lines, line)) {
      if (line.rfind("ack ", 0) == 0) {
        acked = std::stoll(line.substr(4));
      } else if (line.rfind("recovered ", 0) == 0) {
        recovered = std::stoll(line.substr(10));
      } else if (line.rfind("error ", 0) == 0) {
        MESSAGE(line);
        CHECK(line.find("error ResourceExhausted") == 0);
        CHECK(line.find("out of space") != std::string::npos);
        CHECK(line.find(path.string()) != std::string::npos);
        CHECK(line.find("free space") != std::string::npos);
      }
    }
    REQUIRE(acked > 10);
    REQUIRE(recovered == acked + 1);

    auto log = testing::OpenLog(path);
    mvcc::Snapshot snapshot = testing::LoadOrFail(*log);
    REQUIRE(snapshot.records.size() == static_cast<size_t>(recovered));
    for (int64_t revision = 1; revision <= recovered; ++revision) {
      const mvcc::Record& record = snapshot.records[static_cast<size_t>(revision - 1)];
      CHECK(record.revision == revision);
      CHECK(record.value == ValueFor(revision));
    }
    CHECK(snapshot.current_revision == recovered);
  }
}

}  // namespace
}  // namespace mini::store::sqlite
