// store_writer: writes to a datastore as fast as it can until it is killed, printing every
// write the store acknowledged (see writer_protocol.h). The durability test kills it with
// SIGKILL at random points and checks the file against what it printed.
//
//   store_writer <path> backend <threads>   NewSqliteBackend, writers on their own keys,
//                                           creating, updating, deleting, and compacting
//   store_writer <path> log                 OpenSqliteLog alone, batches of records
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cluster/store/sqlite/sqlite_backend.h"
#include "test/cluster/store/sqlite/writer_protocol.h"

namespace mini::store::sqlite::testing {
namespace {

// One write(2) per line: a pipe write below PIPE_BUF bytes is atomic, so lines from several
// threads never interleave and a kill never leaves half a line behind a whole one.
void Print(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) {
      std::_Exit(4);  // the test stopped reading: nothing useful left to do
    }
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void Fail(const Status& status) {
  std::fprintf(stderr, "store_writer: %s\n", status.ToString().c_str());
  std::_Exit(1);
}

// Writes one key: creates it when unknown, else updates or (one time in ten) deletes it.
void WriteOnce(Backend& store, std::map<std::string, int64_t>& known, const std::string& key,
               const std::string& value, std::mt19937_64& rng) {
  auto it = known.find(key);
  if (it != known.end() && rng() % 10 == 0) {
    Result<KeyValue> deleted = store.Delete(key, it->second);
    if (!deleted.ok()) {
      Fail(deleted.status());
    }
    known.erase(it);
    Print(fmt::format("del {} {}\n", key, deleted->mod_revision));
    return;
  }
  Result<KeyValue> written =
      it == known.end() ? store.Create(key, value) : store.Update(key, value, it->second);
  if (!written.ok()) {
    Fail(written.status());
  }
  known[key] = written->mod_revision;
  Print(AckLine(key, written->mod_revision, value));
}

void WriteLoop(Backend& store, int thread) {
  std::mt19937_64 rng(std::random_device{}());
  // Keys left by earlier runs: learn their revisions so that updates are not conflicts.
  std::map<std::string, int64_t> known;
  for (int k = 0; k < 20; ++k) {
    std::string key = fmt::format("w{}/k{}", thread, k);
    if (Result<KeyValue> kv = store.Get(key); kv.ok()) {
      known[key] = kv->mod_revision;
    } else if (kv.status().code() != Code::kNotFound) {
      Fail(kv.status());
    }
  }
  for (uint64_t sequence = 0;; ++sequence) {
    std::string key = fmt::format("w{}/k{}", thread, rng() % 20);
    std::string value = MakeValue(key, sequence, rng() % 8192, rng);
    WriteOnce(store, known, key, value, rng);
  }
}

// Keeps the last 500 revisions, so that kills also land in the middle of compactions.
[[noreturn]] void CompactLoop(Backend& store) {
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Result<int64_t> current = store.CurrentRevision();
    if (!current.ok()) {
      Fail(current.status());
    }
    if (*current > 500) {
      if (Status status = store.Compact(*current - 500); !status.ok()) {
        Fail(status);
      }
    }
  }
}

int RunBackend(const std::string& path, int threads) {
  Result<BackendPtr> store = NewSqliteBackend(path);
  if (!store.ok()) {
    Fail(store.status());
  }
  Result<int64_t> current = (*store)->CurrentRevision();
  if (!current.ok()) {
    Fail(current.status());
  }
  Print(fmt::format("ready {}\n", *current));
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&store, t] { WriteLoop(**store, t); });
  }
  CompactLoop(**store);  // never returns: the test kills the process
}

int RunLog(const std::string& path) {
  Result<mvcc::LogPtr> log = OpenSqliteLog(path);
  if (!log.ok()) {
    Fail(log.status());
  }
  Result<mvcc::Snapshot> snapshot = (*log)->Load();
  if (!snapshot.ok()) {
    Fail(snapshot.status());
  }
  int64_t revision = snapshot->current_revision;
  Print(fmt::format("ready {}\n", revision));
  std::mt19937_64 rng(std::random_device{}());
  for (uint64_t sequence = 0;; ++sequence) {
    mvcc::Batch batch;
    for (int i = 1 + static_cast<int>(rng() % 16); i > 0; --i) {
      mvcc::Record& record = batch.records.emplace_back();
      record.revision = ++revision;
      record.key = fmt::format("k{}", rng() % 100);
      record.value = MakeValue(record.key, sequence, rng() % 2048, rng);
      record.create_revision = record.revision;
      record.version = 1;
    }
    if (Status status = (*log)->Append(batch); !status.ok()) {
      Fail(status);
    }
    for (const mvcc::Record& record : batch.records) {
      Print(AckLine(record.key, record.revision, record.value));
    }
  }
}

}  // namespace
}  // namespace mini::store::sqlite::testing

int main(int argc, char** argv) {
  using namespace mini::store::sqlite::testing;  // NOLINT: a two-function main
  std::string mode = argc > 2 ? argv[2] : "";
  if (argc == 4 && mode == "backend") {
    return RunBackend(argv[1], std::atoi(argv[3]));
  }
  if (argc == 3 && mode == "log") {
    return RunLog(argv[1]);
  }
  std::fprintf(stderr, "usage: store_writer <path> backend <threads> | store_writer <path> log\n");
  return 2;
}
