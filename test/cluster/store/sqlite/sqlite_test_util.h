// Helpers shared by the SQLite log tests: records, file fingerprints and a look at the file
// through a connection of the test's own.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "cluster/store/mvcc/log.h"
#include "cluster/store/sqlite/sqlite_backend.h"
#include "cluster/store/sqlite/sqlite_db.h"
#include "cluster/store/sqlite/sqlite_log.h"

namespace mini::store::sqlite::testing {

inline mvcc::Record Put(int64_t revision, std::string key, std::string value,
                        int64_t create_revision = 0, int64_t version = 1, LeaseId lease = 0) {
  mvcc::Record r;
  r.revision = revision;
  r.key = std::move(key);
  r.value = std::move(value);
  r.create_revision = create_revision != 0 ? create_revision : revision;
  r.version = version;
  r.lease = lease;
  return r;
}

inline mvcc::Record Tombstone(int64_t revision, std::string key) {
  mvcc::Record r;
  r.revision = revision;
  r.key = std::move(key);
  r.deleted = true;
  return r;
}

/// Links records to the ones they supersede, as the store's planner does: a record's
/// prev_revision is its key's previous record, unless that was a tombstone (a creation
/// supersedes nothing). One Chain carries the keys' last records across batches.
class Chain {
 public:
  mvcc::Record operator()(mvcc::Record r) {
    auto [it, fresh] = last_.try_emplace(r.key, Last{});
    r.prev_revision = fresh || it->second.deleted ? 0 : it->second.revision;
    it->second = {r.revision, r.deleted};
    return r;
  }
  std::vector<mvcc::Record> operator()(std::vector<mvcc::Record> records) {
    for (mvcc::Record& r : records) r = (*this)(std::move(r));
    return records;
  }

 private:
  struct Last {
    int64_t revision = 0;
    bool deleted = false;
  };
  std::map<std::string, Last> last_;
};

inline mvcc::Batch BatchOf(std::vector<mvcc::Record> records) {
  mvcc::Batch batch;
  batch.records = std::move(records);
  return batch;
}

inline bool SameRecord(const mvcc::Record& a, const mvcc::Record& b) {
  return a.revision == b.revision && a.key == b.key && a.value == b.value &&
         a.create_revision == b.create_revision && a.version == b.version && a.lease == b.lease &&
         a.deleted == b.deleted && a.prev_revision == b.prev_revision;
}

/// Opens the log with the concrete type, failing the test when it cannot.
inline std::unique_ptr<SqliteLog> OpenLog(const std::filesystem::path& path,
                                          SqliteOptions options = {}) {
  auto log = SqliteLog::Open(path, options);
  REQUIRE_MESSAGE(log.ok(), log.status().ToString());
  return std::move(log).value();
}

inline mvcc::Snapshot LoadOrFail(mvcc::Log& log) {
  auto snapshot = log.Load();
  REQUIRE_MESSAGE(snapshot.ok(), snapshot.status().ToString());
  return std::move(snapshot).value();
}

inline std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The database and its WAL: what the datastore occupies on disk.
inline uintmax_t DiskBytes(const std::filesystem::path& path) {
  std::error_code ec;
  uintmax_t total = std::filesystem::file_size(path, ec);
  std::filesystem::path wal = path;
  wal += "-wal";
  uintmax_t wal_size = std::filesystem::file_size(wal, ec);
  return total + (ec ? 0 : wal_size);
}

/// One integer from the file through a read-only connection of the test's own.
inline int64_t QueryFile(const std::filesystem::path& path, const std::string& sql) {
  auto db = Db::Open(path, SQLITE_OPEN_READONLY);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  auto value = db->QueryInt(sql, "test query");
  REQUIRE_MESSAGE(value.ok(), value.status().ToString());
  return *value;
}

}  // namespace mini::store::sqlite::testing
