// The SQLite log on its own: what Append stores comes back from Load after a reopen, exactly.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test/cluster/store/sqlite/sqlite_test_util.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {

using testing::BatchOf;
using testing::LoadOrFail;
using testing::OpenLog;
using testing::Put;
using testing::Tombstone;

TEST_SUITE("store/sqlite/log") {
  TEST_CASE("a new datastore loads empty and carries mini's identity") {
    mini::testing::TempDir dir;
    {
      auto log = OpenLog(dir / "mini.db");
      mvcc::Snapshot snapshot = LoadOrFail(*log);
      CHECK(snapshot.records.empty());
      CHECK(snapshot.current_revision == 0);
      CHECK(snapshot.compacted_revision == 0);
      CHECK(snapshot.leases.empty());
      CHECK(snapshot.max_lease_id == 0);
    }
    CHECK(testing::QueryFile(dir / "mini.db", "PRAGMA application_id") == 0x6D696E69);
    CHECK(testing::QueryFile(dir / "mini.db", "PRAGMA user_version") == 2);
    CHECK(testing::QueryFile(dir / "mini.db", "PRAGMA auto_vacuum") == 2);  // incremental
    CHECK_FALSE(std::filesystem::exists(dir / "mini.db.creating"));
  }

  TEST_CASE("records come back byte-exact after a reopen, keys and values with any bytes") {
    mini::testing::TempDir dir;
    std::string nul_key("a\0b", 3);
    std::string binary_value("\0\xff\xfe\x80 not utf-8 \xc3\x28", 17);
    std::string large(kMaxValueBytes, '\0');
    for (size_t i = 0; i < large.size(); ++i) {
      large[i] = static_cast<char>(i * 7919 % 251);
    }
    std::vector<mvcc::Record> written = testing::Chain()({
        Put(1, nul_key, binary_value),   Put(2, "\xff\xff", ""),   Put(3, "large", large, 0, 1, 42),
        Put(4, nul_key, "second", 1, 2), Tombstone(5, "\xff\xff"),
    });
    {
      auto log = OpenLog(dir / "mini.db");
      LoadOrFail(*log);
      REQUIRE(log->Append(BatchOf({written[0], written[1]})).ok());
      REQUIRE(log->Append(BatchOf({written[2], written[3], written[4]})).ok());
    }
    auto log = OpenLog(dir / "mini.db");
    mvcc::Snapshot snapshot = LoadOrFail(*log);
    REQUIRE(snapshot.records.size() == written.size());
    for (size_t i = 0; i < written.size(); ++i) {
      CAPTURE(i);
      CHECK(testing::SameRecord(snapshot.records[i], written[i]));
    }
    CHECK(snapshot.current_revision == 5);
    // Revisions continue: the next one is accepted, a reused one refused.
    CHECK(log->Append(BatchOf({Put(6, "next", "v")})).ok());
    Status reused = log->Append(BatchOf({Put(6, "again", "v")}));
    CHECK(reused.code() == Code::kInternal);
    CHECK(reused.message().find("revisions must grow") != std::string::npos);
  }

  TEST_CASE("a batch is all or nothing and a refused batch leaves the log usable") {
    mini::testing::TempDir dir;
    auto log = OpenLog(dir / "mini.db");
    LoadOrFail(*log);
    REQUIRE(log->Append(BatchOf({Put(1, "a", "1")})).ok());
    // Out of order inside the batch: nothing of it may be stored.
    CHECK_FALSE(log->Append(BatchOf({Put(2, "b", "2"), Put(2, "c", "3")})).ok());
    REQUIRE(log->Append(BatchOf({Put(2, "b", "2")})).ok());
    log.reset();
    auto reopened = OpenLog(dir / "mini.db");
    mvcc::Snapshot snapshot = LoadOrFail(*reopened);
    REQUIRE(snapshot.records.size() == 2);
    CHECK(snapshot.records[1].key == "b");
    CHECK(snapshot.current_revision == 2);
  }

  TEST_CASE("leases and the highest lease id ever granted survive a reopen") {
    mini::testing::TempDir dir;
    {
      auto log = OpenLog(dir / "mini.db");
      LoadOrFail(*log);
      mvcc::Batch grant;
      grant.granted = {{3, 10}, {5, 60}, {7, 3600}};
      grant.records = {Put(1, "leased", "v", 0, 1, 3)};
      REQUIRE(log->Append(grant).ok());
      mvcc::Batch revoke;
      revoke.revoked = {5, 7};
      REQUIRE(log->Append(revoke).ok());
    }
    auto log = OpenLog(dir / "mini.db");
    mvcc::Snapshot snapshot = LoadOrFail(*log);
    REQUIRE(snapshot.leases.size() == 1);
    CHECK(snapshot.leases[0].id == 3);
    CHECK(snapshot.leases[0].ttl_seconds == 10);
    CHECK(snapshot.max_lease_id == 7);  // 7 was revoked, but must not be granted again
    REQUIRE(snapshot.records.size() == 1);
    CHECK(snapshot.records[0].lease == 3);
  }

  TEST_CASE("Load keeps the newest record at or below the compaction point and all above") {
    mini::testing::TempDir dir;
    std::vector<mvcc::Record> history = testing::Chain()({
        Put(1, "gone", "1"),  Put(2, "gone", "2", 1, 2), Tombstone(3, "gone"),
        Put(4, "kept", "4"),  Put(5, "moving", "5"),     Put(6, "moving", "6", 5, 2),
        Tombstone(7, "kept"), Put(8, "late", "8"),
    });
    auto check = [](const mvcc::Snapshot& snapshot) {
      REQUIRE(snapshot.records.size() == 5);
      CHECK(snapshot.records[0].revision == 4);  // kept: newest at or below 5
      CHECK(snapshot.records[1].revision == 5);  // moving: newest at or below 5
      CHECK(snapshot.records[2].revision == 6);  // above: everything
      CHECK(snapshot.records[3].revision == 7);
      CHECK(snapshot.records[4].revision == 8);
      CHECK(snapshot.compacted_revision == 5);
      CHECK(snapshot.current_revision == 8);
    };
    {
      auto log = OpenLog(dir / "mini.db");
      LoadOrFail(*log);
      REQUIRE(
          log->Append(BatchOf(std::vector<mvcc::Record>(history.begin(), history.end() - 1))).ok());
      Status future = log->Compact(8);
      CHECK(future.code() == Code::kOutOfRange);
      CHECK(future.reason() == kReasonFutureRevision);
      REQUIRE(log->Append(BatchOf({history.back()})).ok());
      REQUIRE(log->Compact(5).ok());
      REQUIRE(log->WaitForBackground(std::chrono::seconds(10)));
    }
    // Records 1-3 are superseded or a tombstone at or below 5: removed from the file.
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") == 5);
    auto log = OpenLog(dir / "mini.db");
    check(LoadOrFail(*log));
  }

  TEST_CASE("Load gives the same answer while superseded records are still in the file") {
    mini::testing::TempDir dir;
    {
      auto log = OpenLog(dir / "mini.db");
      LoadOrFail(*log);
      REQUIRE(log->Append(BatchOf(testing::Chain()({Put(1, "gone", "1"), Tombstone(2, "gone"),
                                                    Put(3, "k", "3"), Put(4, "k", "4", 3, 2),
                                                    Put(5, "k", "5", 3, 3)})))
                  .ok());
    }
    // A compaction point stored, its deletions not done yet: a crash right after Compact.
    // The test's connection holds the write lock so that the compactor cannot start them.
    auto db = Db::Open(dir / "mini.db", SQLITE_OPEN_READWRITE);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("UPDATE meta SET value = 4 WHERE name = 'compacted_revision'", "test").ok());
    REQUIRE(db->Exec("BEGIN IMMEDIATE", "test").ok());
    auto log = OpenLog(dir / "mini.db");
    mvcc::Snapshot snapshot = LoadOrFail(*log);
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") == 5);
    REQUIRE(snapshot.records.size() == 2);
    CHECK(snapshot.records[0].revision == 4);
    CHECK(snapshot.records[1].revision == 5);
    CHECK(snapshot.compacted_revision == 4);
    CHECK(snapshot.current_revision == 5);
    REQUIRE(db->Exec("ROLLBACK", "test").ok());
    REQUIRE(log->WaitForBackground(std::chrono::seconds(20)));
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") == 2);
  }

  TEST_CASE("the current revision survives the compaction of its own tombstone") {
    mini::testing::TempDir dir;
    {
      auto log = OpenLog(dir / "mini.db");
      LoadOrFail(*log);
      REQUIRE(log->Append(BatchOf(testing::Chain()({Put(1, "k", "v"), Tombstone(2, "k")}))).ok());
      REQUIRE(log->Compact(2).ok());
      REQUIRE(log->WaitForBackground(std::chrono::seconds(10)));
    }
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") == 0);
    auto log = OpenLog(dir / "mini.db");
    mvcc::Snapshot snapshot = LoadOrFail(*log);
    CHECK(snapshot.records.empty());
    CHECK(snapshot.current_revision == 2);  // not 0: revision 1 and 2 must never be reused
    CHECK_FALSE(log->Append(BatchOf({Put(2, "k", "again")})).ok());
    CHECK(log->Append(BatchOf({Put(3, "k", "again")})).ok());
  }

  TEST_CASE("compaction interrupted by a close resumes on the next open") {
    mini::testing::TempDir dir;
    SqliteOptions options;
    options.compaction_batch = 1;  // one record per step: the close lands mid-way
    int64_t revision = 0;
    {
      auto log = OpenLog(dir / "mini.db", options);
      LoadOrFail(*log);
      mvcc::Batch batch;
      testing::Chain chain;
      for (int i = 0; i < 5000; ++i) {
        ++revision;
        batch.records.push_back(
            chain(Put(revision, "k" + std::to_string(i % 10), "v", 1, i / 10 + 1)));
      }
      REQUIRE(log->Append(batch).ok());
      REQUIRE(log->Compact(revision).ok());
    }
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") > 10);
    {
      auto log = OpenLog(dir / "mini.db");
      REQUIRE(log->WaitForBackground(std::chrono::seconds(60)));
      CHECK(LoadOrFail(*log).records.size() == 10);
    }
    CHECK(testing::QueryFile(dir / "mini.db", "SELECT COUNT(*) FROM log") == 10);
  }
}

}  // namespace
}  // namespace mini::store::sqlite
