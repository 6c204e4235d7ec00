// Opening refuses whatever is not an intact mini datastore, and leaves it byte-for-byte alone.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "cluster/store/sqlite/sqlite_schema.h"
#include "test/cluster/store/sqlite/sqlite_test_util.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {
namespace fs = std::filesystem;

using testing::BatchOf;
using testing::FileBytes;
using testing::LoadOrFail;
using testing::OpenLog;
using testing::Put;

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(rng());
  }
  return bytes;
}

// A mini datastore with enough records to span many pages.
void MakeDatastore(const fs::path& path) {
  auto log = OpenLog(path);
  LoadOrFail(*log);
  mvcc::Batch batch;
  for (int i = 1; i <= 2000; ++i) {
    batch.records.push_back(Put(i, "key/" + std::to_string(i), std::string(200, 'v')));
  }
  REQUIRE(log->Append(batch).ok());
}

// Opening `path` fails with kFailedPrecondition naming it and `expected`, and the file and
// its directory's other files are exactly as before.
void CheckRefused(const fs::path& path, const std::string& expected) {
  std::string before = FileBytes(path);
  auto log = OpenSqliteLog(path);
  REQUIRE_FALSE(log.ok());
  MESSAGE(log.status().ToString());
  CHECK(log.status().code() == Code::kFailedPrecondition);
  CHECK_MESSAGE(log.status().message().find(path.string()) != std::string::npos,
                log.status().ToString());
  CHECK_MESSAGE(log.status().message().find(expected) != std::string::npos,
                log.status().ToString());
  CHECK_MESSAGE(log.status().advice().find("did not modify") != std::string::npos,
                log.status().ToString());
  CHECK(FileBytes(path) == before);
  // Refused twice, the same way: nothing was repaired or created in between.
  auto again = OpenSqliteLog(path);
  CHECK(again.status().message() == log.status().message());
  CHECK(FileBytes(path) == before);
}

TEST_SUITE("store/sqlite/open") {
  TEST_CASE("a file of random bytes is refused as not a database") {
    mini::testing::TempDir dir;
    WriteBytes(dir / "mini.db", RandomBytes(64 * 1024, 1));
    CheckRefused(dir / "mini.db", "not an SQLite database");
  }

  TEST_CASE("another application's SQLite database is refused, in rollback or WAL mode") {
    for (const char* mode : {"DELETE", "WAL"}) {
      CAPTURE(mode);
      mini::testing::TempDir dir;
      fs::path path = dir / "app.db";
      {
        auto db = Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        REQUIRE(db.ok());
        REQUIRE(db->Exec(fmt::format("PRAGMA journal_mode = {}; CREATE TABLE log(x); "
                                     "INSERT INTO log VALUES (1);",
                                     mode),
                         "test")
                    .ok());
      }
      CheckRefused(path, "another application (application_id 0x00000000");
      CHECK_FALSE(fs::exists(dir / "app.db-wal"));
    }
  }

  TEST_CASE("a truncated mini datastore is refused as damaged") {
    mini::testing::TempDir dir;
    fs::path path = dir / "mini.db";
    MakeDatastore(path);
    std::string bytes = FileBytes(path);
    REQUIRE(bytes.size() > 64 * 1024);
    WriteBytes(path, bytes.substr(0, bytes.size() / 2));
    CheckRefused(path, "damaged mini datastore");
    WriteBytes(path, bytes.substr(0, 50));  // cut inside the header
    CheckRefused(path, "damaged mini datastore");
  }

  TEST_CASE("a mini datastore with overwritten pages is refused as damaged") {
    mini::testing::TempDir dir;
    fs::path path = dir / "mini.db";
    MakeDatastore(path);
    std::string bytes = FileBytes(path);
    std::string garbage = RandomBytes(bytes.size() / 2, 2);
    bytes.replace(bytes.size() / 4, garbage.size(), garbage);
    WriteBytes(path, bytes);
    CheckRefused(path, "damaged mini datastore");
  }

  TEST_CASE("a datastore of a newer schema is refused with advice to upgrade") {
    mini::testing::TempDir dir;
    fs::path path = dir / "mini.db";
    MakeDatastore(path);
    {
      auto db = Db::Open(path, SQLITE_OPEN_READWRITE);
      REQUIRE(db.ok());
      REQUIRE(db->Exec("PRAGMA user_version = 99", "test").ok());
    }
    std::string before = FileBytes(path);
    auto log = OpenSqliteLog(path);
    REQUIRE_FALSE(log.ok());
    CHECK(log.status().code() == Code::kFailedPrecondition);
    CHECK(log.status().message().find("newer mini (datastore schema 99") != std::string::npos);
    CHECK(FileBytes(path) == before);
  }

  TEST_CASE("a datastore of schema 1 is upgraded in place and compacts as before") {
    mini::testing::TempDir dir;
    fs::path path = dir / "mini.db";
    {
      // Schema 1 as it was written: no prev_revision, an index on (key, revision).
      auto db = Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      REQUIRE(db.ok());
      REQUIRE(db->Exec(fmt::format(R"sql(
          PRAGMA auto_vacuum = INCREMENTAL;
          CREATE TABLE log(revision INTEGER PRIMARY KEY, key BLOB NOT NULL, value BLOB,
            create_revision INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL,
            deleted INTEGER NOT NULL);
          CREATE INDEX log_key_revision ON log(key, revision);
          CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
          INSERT INTO meta(name, value)
            VALUES ('compacted_revision', 0), ('compact_cursor', 0), ('max_lease_id', 0);
          CREATE TABLE leases(id INTEGER PRIMARY KEY, ttl_seconds INTEGER NOT NULL);
          INSERT INTO log VALUES (1, 'a', 'a1', 1, 1, 0, 0), (2, 'b', 'b1', 2, 1, 0, 0),
            (3, 'a', 'a2', 1, 2, 0, 0), (4, 'b', NULL, 0, 0, 0, 1), (5, 'a', 'a3', 1, 3, 0, 0),
            (6, 'b', 'b2', 6, 1, 0, 0);
          PRAGMA application_id = {};
          PRAGMA user_version = 1;
          PRAGMA journal_mode = WAL;)sql",
                                   kApplicationId),
                       "test")
                  .ok());
    }
    {
      auto log = OpenLog(path);
      mvcc::Snapshot snapshot = LoadOrFail(*log);
      CHECK(snapshot.records.size() == 6);
      REQUIRE(log->Compact(6).ok());
      REQUIRE(log->WaitForBackground(std::chrono::seconds(10)));
    }
    CHECK(testing::QueryFile(path, "PRAGMA user_version") == 2);
    CHECK(testing::QueryFile(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
                                   "AND name = 'log_key_revision'") == 0);
    CHECK(testing::QueryFile(path, "SELECT prev_revision FROM log WHERE revision = 5") == 3);
    // Everything superseded at or below 6 is gone: a3 and b2 remain.
    CHECK(testing::QueryFile(path, "SELECT COUNT(*) FROM log") == 2);
    auto log = OpenLog(path);
    mvcc::Snapshot snapshot = LoadOrFail(*log);
    REQUIRE(snapshot.records.size() == 2);
    CHECK(snapshot.records[0].revision == 5);
    CHECK(snapshot.records[1].revision == 6);
  }

  TEST_CASE("an empty file is adopted as a new datastore") {
    mini::testing::TempDir dir;
    WriteBytes(dir / "mini.db", "");
    auto log = OpenLog(dir / "mini.db");
    CHECK(LoadOrFail(*log).current_revision == 0);
    CHECK(log->Append(BatchOf({Put(1, "k", "v")})).ok());
  }

  TEST_CASE("a write-ahead log without its database is refused, not replayed") {
    mini::testing::TempDir dir;
    WriteBytes(dir / "mini.db-wal", RandomBytes(4096, 3));
    auto log = OpenSqliteLog(dir / "mini.db");
    REQUIRE_FALSE(log.ok());
    CHECK(log.status().code() == Code::kFailedPrecondition);
    CHECK(log.status().message().find("without its database") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "mini.db"));
  }

  TEST_CASE("a datastore open in another process is refused while it is in use") {
    mini::testing::TempDir dir;
    auto first = OpenLog(dir / "mini.db");
    auto second = OpenSqliteLog(dir / "mini.db");
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == Code::kFailedPrecondition);
    CHECK(second.status().reason() == "STORE_IN_USE");
    first.reset();
    CHECK(OpenSqliteLog(dir / "mini.db").ok());
  }

  TEST_CASE("the parent directory is created") {
    mini::testing::TempDir dir;
    auto log = OpenLog(dir / "profiles/a/datastore/mini.db");
    CHECK(fs::exists(dir / "profiles/a/datastore/mini.db"));
  }
}

}  // namespace
}  // namespace mini::store::sqlite
