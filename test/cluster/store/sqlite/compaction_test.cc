// Compaction in the background: superseded records leave the file, the file shrinks, and
// appends keep flowing while it works (kine's failure mode is the opposite of all three).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "test/cluster/store/sqlite/sqlite_test_util.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {

using Clock = std::chrono::steady_clock;
using testing::BatchOf;
using testing::DiskBytes;
using testing::LoadOrFail;
using testing::OpenLog;
using testing::Put;
using testing::QueryFile;

// Writes `versions` versions of each of `keys` keys, `per_batch` records per Append.
int64_t WriteVersions(mvcc::Log& log, int keys, int versions, size_t value_size, int per_batch) {
  int64_t revision = 0;
  mvcc::Batch batch;
  testing::Chain chain;
  for (int v = 1; v <= versions; ++v) {
    for (int k = 0; k < keys; ++k) {
      ++revision;
      std::string value(value_size, static_cast<char>('a' + (revision % 26)));
      batch.records.push_back(
          chain(Put(revision, "key/" + std::to_string(k), std::move(value), k + 1, v)));
      if (static_cast<int>(batch.records.size()) == per_batch) {
        REQUIRE(log.Append(batch).ok());
        batch.records.clear();
      }
    }
  }
  if (!batch.records.empty()) {
    REQUIRE(log.Append(batch).ok());
  }
  return revision;
}

uintmax_t WalBytes(const std::filesystem::path& dir) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(dir / "mini.db-wal", ec);
  return ec ? 0 : size;
}

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

TEST_SUITE("store/sqlite/compaction") {
  TEST_CASE("the file shrinks once overwritten large values are compacted") {
    mini::testing::TempDir dir;
    auto path = dir / "mini.db";
    auto log = OpenLog(path);
    LoadOrFail(*log);
    constexpr int kKeys = 20;
    constexpr size_t kValueBytes = 100 * 1024;
    int64_t current = WriteVersions(*log, kKeys, 30, kValueBytes, 10);
    REQUIRE(log->WaitForBackground(std::chrono::seconds(30)));
    uintmax_t before = DiskBytes(path);
    REQUIRE(log->Compact(current).ok());
    REQUIRE(log->WaitForBackground(std::chrono::seconds(60)));
    uintmax_t after = DiskBytes(path);
    int64_t rows = QueryFile(path, "SELECT COUNT(*) FROM log");
    int64_t pages = QueryFile(path, "PRAGMA page_count");
    int64_t free_pages = QueryFile(path, "PRAGMA freelist_count");
    MESSAGE("disk use before compaction ", before, " bytes, after ", after, " bytes (", pages,
            " pages, ", free_pages, " free); live data ", kKeys * kValueBytes, " bytes");
    CHECK(rows == kKeys);
    CHECK(before > 30 * kKeys * kValueBytes);
    CHECK(after < 2 * kKeys * kValueBytes);
    // The file keeps working after the pages moved.
    mvcc::Record update = Put(current + 1, "key/0", "small", 1, 31);
    update.prev_revision = current - kKeys + 1;  // key/0's last version
    CHECK(log->Append(BatchOf({update})).ok());
    log.reset();
    auto reopened = OpenLog(path);
    CHECK(LoadOrFail(*reopened).records.size() == kKeys + 1);  // and the one above the point
  }

  TEST_CASE("the write-ahead log stays bounded while appends never pause") {
    mini::testing::TempDir dir;
    auto path = dir / "mini.db";
    auto log = OpenLog(path);
    LoadOrFail(*log);
    // 160 MiB in 1 MiB appends, back to back: once the WAL is at its longest (48 MiB) the
    // checkpoints have to restart it while appends keep arriving, or it would grow by
    // everything written.
    WriteVersions(*log, 10, 16, 1 << 20, 1);
    uintmax_t wal = WalBytes(dir.path());
    MESSAGE("WAL after 160 MiB of appends: ", wal, " bytes");
    CHECK(wal < (80u << 20));
  }

  TEST_CASE("after a pause in the appends the WAL starts over") {
    mini::testing::TempDir dir;
    auto log = OpenLog(dir / "mini.db");
    LoadOrFail(*log);
    // 30 MiB: checkpoints due. Usually the WAL then holds most of it; on a loaded machine an
    // append can come 20 ms after the previous one and the WAL restarts early, which is right
    // too: either way it has to end up short after the pause.
    int64_t revision = WriteVersions(*log, 10, 3, 1 << 20, 1);
    MESSAGE("WAL after 30 MiB of appends: ", WalBytes(dir.path()), " bytes");
    // The pause lets the worker copy the rest and restart; the next append then writes at
    // the beginning of the WAL, which is cut back to the connection's journal_size_limit.
    REQUIRE(log->WaitForBackground(std::chrono::seconds(30)));
    REQUIRE(log->Append(BatchOf({Put(revision + 1, "after/pause", "v")})).ok());
    uintmax_t wal = WalBytes(dir.path());
    MESSAGE("WAL after the pause and one small append: ", wal, " bytes");
    CHECK(wal <= (16u << 20));
  }

  TEST_CASE("appends wait at most a short step while 100k records are compacted") {
    mini::testing::TempDir dir;
    auto log = OpenLog(dir / "mini.db");
    LoadOrFail(*log);
    int64_t revision = WriteVersions(*log, 1000, 100, 100, 1000);  // 99k superseded
    REQUIRE(log->WaitForBackground(std::chrono::seconds(30)));

    auto measure = [&](int appends) {
      std::vector<double> latencies;
      for (int i = 0; i < appends || !log->WaitForBackground(std::chrono::milliseconds(0)); ++i) {
        ++revision;
        auto start = Clock::now();
        REQUIRE(log->Append(BatchOf({Put(revision, "new/" + std::to_string(i), "v")})).ok());
        latencies.push_back(Millis(Clock::now() - start));
      }
      std::sort(latencies.begin(), latencies.end());
      return latencies;
    };
    std::vector<double> idle = measure(200);
    auto start = Clock::now();
    REQUIRE(log->Compact(revision).ok());
    log->TakeLongestAppendWait();
    std::vector<double> busy = measure(0);
    double compaction_ms = Millis(Clock::now() - start);
    // What compaction controls: how long an append waits for the step in progress. The rest
    // of an append's latency is its own fsync, which a loaded machine can stretch anyway.
    double longest_wait = Millis(log->TakeLongestAppendWait());
    auto p = [](const std::vector<double>& v, double q) {
      return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
    };
    MESSAGE("append latency idle: p50 ", p(idle, 0.5), " ms, p99 ", p(idle, 0.99), " ms, max ",
            idle.back(), " ms");
    MESSAGE("append latency during compaction of 100k records (", compaction_ms, " ms, ",
            busy.size(), " appends): p50 ", p(busy, 0.5), " ms, p99 ", p(busy, 0.99), " ms, max ",
            busy.back(), " ms; longest wait for a compaction step ", longest_wait, " ms");
    CHECK(longest_wait < 200.0);
    CHECK(p(busy, 0.99) < 200.0);
    CHECK(QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") ==
          1000 + static_cast<int64_t>(idle.size() + busy.size()));
  }
}

}  // namespace
}  // namespace mini::store::sqlite
