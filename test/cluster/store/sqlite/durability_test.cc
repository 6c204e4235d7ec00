// kill -9 durability: store_writer writes as fast as it can and is killed with SIGKILL at a
// random point; the store is reopened and must hold every acknowledged write exactly, no half
// written value, and revisions that continue without a gap or a reuse.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cluster/store/sqlite/sqlite_backend.h"
#include "test/cluster/store/sqlite/sqlite_test_util.h"
#include "test/cluster/store/sqlite/writer_protocol.h"
#include "test/cluster/store/watch_collector.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Fnv1a;
using testing::SelfChecks;

struct Ack {
  std::string key;
  int64_t revision = 0;
  uint64_t hash = 0;
  bool deleted = false;
};

struct Round {
  int64_t ready = -1;  // the current revision when the writer started writing
  std::vector<Ack> acks;
};

// Reads what is available on `fd` into `out` for up to `timeout`; false at end of file.
bool ReadSome(int fd, std::string& out, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return true;
  }
  char buffer[65536];
  ssize_t n = ::read(fd, buffer, sizeof(buffer));
  if (n > 0) {
    out.append(buffer, static_cast<size_t>(n));
  }
  return n > 0 || (n < 0 && errno == EINTR);
}

Round Parse(const std::string& output) {
  Round round;
  std::istringstream in(output.substr(0, output.rfind('\n') + 1));  // whole lines only
  for (std::string word; in >> word;) {
    Ack ack;
    if (word == "ready") {
      in >> round.ready;
    } else if (word == "ack") {
      in >> ack.key >> ack.revision >> std::hex >> ack.hash >> std::dec;
      round.acks.push_back(ack);
    } else if (word == "del") {
      in >> ack.key >> ack.revision;
      ack.deleted = true;
      round.acks.push_back(ack);
    }
  }
  return round;
}

// Starts store_writer with `args`, lets it write for `run` once ready, kills it with SIGKILL
// and returns what it printed before it died.
Round RunAndKill(const std::vector<std::string>& args, std::chrono::milliseconds run) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::vector<char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string output;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (output.find('\n') == std::string::npos && Clock::now() < deadline &&
         ReadSome(fds[0], output, std::chrono::milliseconds(100))) {
  }
  // Keep reading while it writes: a full pipe would block the writer, not test it.
  auto kill_at = Clock::now() + run;
  while (Clock::now() < kill_at && ReadSome(fds[0], output, std::chrono::milliseconds(5))) {
  }
  ::kill(pid, SIGKILL);
  while (ReadSome(fds[0], output, std::chrono::milliseconds(1000))) {
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO("store_writer printed: ", output.substr(0, 200));
  CHECK_MESSAGE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
                "store_writer exited by itself (status ", status, "), see its stderr");
  return Parse(output);
}

// Every revision from `from` to `to` once, in order, each value intact.
void CheckHistory(Backend& store, int64_t from, int64_t to) {
  if (from > to) {
    return;
  }
  auto collector = std::make_shared<store::testing::WatchCollector>();
  auto watch = store.Watch("", true, from, collector);
  REQUIRE_MESSAGE(watch.ok(), watch.status().ToString());
  size_t expected = static_cast<size_t>(to - from + 1);
  REQUIRE(collector->WaitForEvents(expected, std::chrono::seconds(30)));
  std::vector<Event> events = collector->Events();
  for (size_t i = 0; i < expected; ++i) {
    CAPTURE(i);
    REQUIRE(events[i].kv.mod_revision == from + static_cast<int64_t>(i));
    if (events[i].type == Event::Type::kPut) {
      CHECK(SelfChecks(events[i].kv.value));
    }
  }
}

void CheckAcks(Backend& store, const Round& round, int64_t compacted, int64_t current) {
  for (const Ack& ack : round.acks) {
    CAPTURE(ack.key);
    CAPTURE(ack.revision);
    REQUIRE(ack.revision <= current);
    if (ack.revision <= compacted) {
      continue;  // history compacted away by design; its latest state is checked below
    }
    Result<KeyValue> kv = store.Get(ack.key, ack.revision);
    if (ack.deleted) {
      CHECK(kv.status().code() == Code::kNotFound);
      continue;
    }
    REQUIRE_MESSAGE(kv.ok(), kv.status().ToString());
    CHECK(kv->mod_revision == ack.revision);
    CHECK(Fnv1a(kv->value) == ack.hash);
  }
  // Whatever is current (acknowledged or caught by the kill after its commit) is whole.
  Result<RangeResult> all = store.Range(RangeRequest{.prefix = true});
  REQUIRE(all.ok());
  for (const KeyValue& kv : all->kvs) {
    CAPTURE(kv.key);
    CHECK((kv.key.rfind("probe/", 0) == 0 || SelfChecks(kv.value)));
  }
}

// Reopens the store after a kill, checks it, and writes once: returns that write's revision.
int64_t VerifyBackend(const std::filesystem::path& path, const Round& round, int64_t start) {
  auto store = NewSqliteBackend(path);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  int64_t current = (*store)->CurrentRevision().value();
  int64_t compacted = (*store)->CompactedRevision().value();
  CHECK(round.ready == start);  // the last run's probe is where this run started
  CheckAcks(**store, round, compacted, current);
  CheckHistory(**store, std::max(round.ready + 1, compacted + 1), current);
  auto probe = (*store)->Create("probe/" + std::to_string(current), "x");
  REQUIRE_MESSAGE(probe.ok(), probe.status().ToString());
  CHECK(probe->mod_revision == current + 1);  // no gap, no reuse
  return probe->mod_revision;
}

int64_t VerifyLog(const std::filesystem::path& path, const Round& round, int64_t start) {
  auto log = testing::OpenLog(path);
  mvcc::Snapshot snapshot = testing::LoadOrFail(*log);
  CHECK(round.ready == start);
  // Never compacted: every revision from 1 is there, in order, each value whole.
  REQUIRE(snapshot.records.size() == static_cast<size_t>(snapshot.current_revision));
  for (size_t i = 0; i < snapshot.records.size(); ++i) {
    REQUIRE(snapshot.records[i].revision == static_cast<int64_t>(i) + 1);
    CHECK((snapshot.records[i].key == "probe" || SelfChecks(snapshot.records[i].value)));
  }
  for (const Ack& ack : round.acks) {
    REQUIRE(ack.revision <= snapshot.current_revision);
    const mvcc::Record& record = snapshot.records[static_cast<size_t>(ack.revision - 1)];
    CHECK(record.key == ack.key);
    CHECK(Fnv1a(record.value) == ack.hash);
  }
  int64_t next = snapshot.current_revision + 1;
  REQUIRE(log->Append(testing::BatchOf({testing::Put(next, "probe", "x")})).ok());
  return next;
}

template <typename Verify>
void KillRounds(const std::vector<std::string>& args, int rounds, Verify verify) {
  unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  MESSAGE("kill -9 rounds of ", args[2], " with seed ", seed);
  int64_t start = 0;
  size_t acknowledged = 0;
  for (int i = 0; i < rounds; ++i) {
    auto run = std::chrono::milliseconds(50 + rng() % 451);
    CAPTURE(i);
    CAPTURE(run.count());
    Round round = RunAndKill(args, run);
    REQUIRE(round.ready >= 0);
    start = verify(round, start);
    acknowledged += round.acks.size();
    MESSAGE("round ", i + 1, ": killed after ", run.count(), " ms, ", round.acks.size(),
            " acknowledged writes verified, next revision ", start);
  }
  CHECK(acknowledged > 0);
}

TEST_SUITE("store/sqlite/durability") {
  TEST_CASE("kill -9 of a backend writer loses no acknowledged write and reuses no revision") {
    mini::testing::TempDir dir;
    auto path = dir / "mini.db";
    KillRounds(
        {MINI_STORE_WRITER, path.string(), "backend", "4"}, 8,
        [&](const Round& round, int64_t start) { return VerifyBackend(path, round, start); });
  }

  TEST_CASE("kill -9 of a log writer loses no acknowledged batch") {
    mini::testing::TempDir dir;
    auto path = dir / "mini.db";
    KillRounds({MINI_STORE_WRITER, path.string(), "log"}, 6,
               [&](const Round& round, int64_t start) { return VerifyLog(path, round, start); });
  }
}

}  // namespace
}  // namespace mini::store::sqlite
