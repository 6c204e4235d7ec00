// mvcc::Log over SQLite: what OpenSqliteLog returns. Internal to the sqlite folder and its
// tests, which also wait for the background work through it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "cluster/store/mvcc/log.h"
#include "cluster/store/sqlite/compactor.h"
#include "cluster/store/sqlite/sqlite_backend.h"
#include "cluster/store/sqlite/sqlite_db.h"
#include "common/files.h"

namespace mini::store::sqlite {

/// One write connection (appends, compaction points, Load) and the compactor's own. Every
/// write transaction goes through the WriteGate, so SQLite's lock is never contended within
/// the process; a second process is kept out by a lock file beside the database.
class SqliteLog final : public mvcc::Log {
 public:
  static Result<std::unique_ptr<SqliteLog>> Open(const std::filesystem::path& path,
                                                 const SqliteOptions& options);
  ~SqliteLog() override;

  Result<mvcc::Snapshot> Load() override;
  Status Append(const mvcc::Batch& batch) override;
  Status Compact(int64_t revision) override;

  /// Waits until compaction, vacuum and checkpoints have caught up (tests and benchmarks);
  /// false on timeout.
  bool WaitForBackground(std::chrono::milliseconds timeout) {
    return compactor_->WaitForIdle(timeout);
  }
  /// The longest Append, Compact or Load waited for background work since the last call.
  std::chrono::nanoseconds TakeLongestAppendWait() { return gate_.TakeLongestAppendWait(); }

 private:
  struct Statements {
    Statement insert_record;
    Statement upsert_lease;
    Statement delete_lease;
    Statement raise_max_lease;
    Statement raise_compacted;
    Statement read_meta;
  };

  SqliteLog(FileLock lock, Db writer, Statements statements);
  static Result<Statements> Prepare(const Db& db);
  Result<int64_t> ReadMeta(const char* name);
  Result<int64_t> CurrentRevision(int64_t compacted);
  Status AppendInTransaction(const mvcc::Batch& batch);
  Status CheckRevisions(const mvcc::Batch& batch) const;
  Status LoadInTransaction(mvcc::Snapshot& snapshot);

  FileLock lock_;  // first: released last, after both connections closed
  WriteGate gate_;
  Db writer_;
  Statements statements_;                 // after writer_: finalized before it closes
  int64_t last_revision_ = 0;             // the newest revision stored; appends must go above it
  std::unique_ptr<Compactor> compactor_;  // last: stopped before anything it uses goes
};

}  // namespace mini::store::sqlite
