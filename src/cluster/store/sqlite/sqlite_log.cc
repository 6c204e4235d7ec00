#include "cluster/store/sqlite/sqlite_log.h"

#include <algorithm>
#include <map>

#include <algorithm>
#include <utility>

#include "cluster/store/sqlite/sqlite_schema.h"

namespace mini::store::sqlite {
namespace fs = std::filesystem;

namespace {

// Every record, in rowid (revision) order, so no sort; LoadInTransaction keeps of those at or
// below the compaction point only each key's newest. Records compaction has not removed yet
// are dropped there, so Load never depends on how far the background work got.
constexpr char kLoadRecordsSql[] = R"sql(
SELECT revision, key, value, create_revision, version, lease, deleted, prev_revision FROM log
ORDER BY revision
)sql";

Status LockHeld(const fs::path& lock_path, const Status& status) {
  if (status.code() != Code::kDeadlineExceeded) {
    return status.WithContext("locking the datastore");
  }
  return Error(Code::kFailedPrecondition, "the datastore is in use by another mini process ({})",
               status.message())
      .WithAdvice(
          fmt::format("stop the other process, or remove {} if none runs", lock_path.string()))
      .WithReason("STORE_IN_USE");
}

}  // namespace

Result<std::unique_ptr<SqliteLog>> SqliteLog::Open(const fs::path& path,
                                                   const SqliteOptions& options) {
  fs::path lock_path = path;
  lock_path += ".lock";
  Result<FileLock> lock = FileLock::Acquire(lock_path, std::chrono::milliseconds(0));
  if (!lock.ok()) {
    return LockHeld(lock_path, lock.status());
  }
  MINI_ASSIGN_OR_RETURN(Db writer, OpenDatastore(path, options.sync));
  // Compaction steps need no fsync of their own: losing one to a power cut only means
  // redoing it, and the next append's commit syncs the WAL they share anyway.
  MINI_ASSIGN_OR_RETURN(Db background, OpenConnection(path, /*sync=*/false));
  MINI_ASSIGN_OR_RETURN(Statements statements, Prepare(writer));
  std::unique_ptr<SqliteLog> log(
      new SqliteLog(std::move(lock).value(), std::move(writer), std::move(statements)));
  CompactionProgress progress;
  MINI_ASSIGN_OR_RETURN(progress.target, log->ReadMeta("compacted_revision"));
  MINI_ASSIGN_OR_RETURN(progress.cursor, log->ReadMeta("compact_cursor"));
  MINI_ASSIGN_OR_RETURN(log->last_revision_, log->CurrentRevision(progress.target));
  MINI_ASSIGN_OR_RETURN(log->compactor_, Compactor::Start(std::move(background), log->gate_,
                                                          options.compaction_batch, progress));
  log->compactor_->WatchWal(log->writer_);
  return log;
}

SqliteLog::SqliteLog(FileLock lock, Db writer, Statements statements)
    : lock_(std::move(lock)), writer_(std::move(writer)), statements_(std::move(statements)) {}

SqliteLog::~SqliteLog() {
  // The hook points into the compactor, which goes first.
  sqlite3_wal_hook(writer_.get(), nullptr, nullptr);
  compactor_.reset();
}

Result<SqliteLog::Statements> SqliteLog::Prepare(const Db& db) {
  Statements s;
  MINI_ASSIGN_OR_RETURN(s.insert_record,
                        Statement::Prepare(db,
                                           "INSERT INTO log(revision, key, value, "
                                           "create_revision, version, lease, deleted, "
                                           "prev_revision) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  MINI_ASSIGN_OR_RETURN(
      s.upsert_lease,
      Statement::Prepare(db, "INSERT OR REPLACE INTO leases(id, ttl_seconds) VALUES (?1, ?2)"));
  MINI_ASSIGN_OR_RETURN(s.delete_lease, Statement::Prepare(db, "DELETE FROM leases WHERE id = ?1"));
  MINI_ASSIGN_OR_RETURN(s.raise_max_lease,
                        Statement::Prepare(db,
                                           "UPDATE meta SET value = MAX(value, ?1) "
                                           "WHERE name = 'max_lease_id'"));
  MINI_ASSIGN_OR_RETURN(s.raise_compacted,
                        Statement::Prepare(db,
                                           "UPDATE meta SET value = MAX(value, ?1) "
                                           "WHERE name = 'compacted_revision'"));
  MINI_ASSIGN_OR_RETURN(s.read_meta,
                        Statement::Prepare(db, "SELECT value FROM meta WHERE name = ?1"));
  return s;
}

Result<int64_t> SqliteLog::ReadMeta(const char* name) {
  Statement& read = statements_.read_meta;
  read.BindText(1, name);
  MINI_ASSIGN_OR_RETURN(bool row, read.Step());
  if (!row) {
    return Error(Code::kFailedPrecondition, "{} lacks its {} entry", writer_.path().string(), name)
        .WithReason("STORE_CORRUPT");
  }
  int64_t value = read.Int(0);
  read.Reset();
  return value;
}

Result<int64_t> SqliteLog::CurrentRevision(int64_t compacted) {
  MINI_ASSIGN_OR_RETURN(int64_t newest, writer_.QueryInt("SELECT IFNULL(MAX(revision), 0) FROM log",
                                                         "reading the current revision"));
  // Compaction may have removed the newest record (a tombstone at the compaction point), but
  // the revision was used: the compaction point counts too.
  return std::max(newest, compacted);
}

Result<mvcc::Snapshot> SqliteLog::Load() {
  auto gate = gate_.ForAppend();
  mvcc::Snapshot snapshot;
  // One read transaction: the records, the compaction point and the leases agree.
  MINI_RETURN_IF_ERROR(writer_.Exec("BEGIN", "loading the datastore"));
  Status status = LoadInTransaction(snapshot);
  writer_.RollbackIfOpen();  // read-only: ending it is all that is left
  MINI_RETURN_IF_ERROR(status.WithContext("loading {}", writer_.path().string()));
  return snapshot;
}

Status SqliteLog::LoadInTransaction(mvcc::Snapshot& snapshot) {
  MINI_ASSIGN_OR_RETURN(snapshot.compacted_revision, ReadMeta("compacted_revision"));
  MINI_ASSIGN_OR_RETURN(snapshot.max_lease_id, ReadMeta("max_lease_id"));
  MINI_ASSIGN_OR_RETURN(Statement records, Statement::Prepare(writer_, kLoadRecordsSql));
  // At or below the compaction point: each key's newest record, unless a tombstone.
  std::map<std::string, mvcc::Record> compacted;
  while (true) {
    MINI_ASSIGN_OR_RETURN(bool row, records.Step());
    if (!row) {
      break;
    }
    mvcc::Record r;
    r.revision = records.Int(0);
    r.key = records.Blob(1);
    r.value = records.Blob(2);
    r.create_revision = records.Int(3);
    r.version = records.Int(4);
    r.lease = records.Int(5);
    r.deleted = records.Int(6) != 0;
    r.prev_revision = records.Int(7);
    if (r.revision > snapshot.compacted_revision) {
      snapshot.records.push_back(std::move(r));
    } else {
      std::string key = r.key;
      compacted.insert_or_assign(std::move(key), std::move(r));
    }
  }
  std::vector<mvcc::Record> kept;
  for (auto& [key, r] : compacted) {
    if (!r.deleted) kept.push_back(std::move(r));
  }
  std::sort(kept.begin(), kept.end(),
            [](const mvcc::Record& a, const mvcc::Record& b) { return a.revision < b.revision; });
  snapshot.records.insert(snapshot.records.begin(), std::make_move_iterator(kept.begin()),
                          std::make_move_iterator(kept.end()));
  MINI_ASSIGN_OR_RETURN(snapshot.current_revision, CurrentRevision(snapshot.compacted_revision));
  last_revision_ = std::max(last_revision_, snapshot.current_revision);
  MINI_ASSIGN_OR_RETURN(
      Statement leases,
      Statement::Prepare(writer_, "SELECT id, ttl_seconds FROM leases ORDER BY id"));
  while (true) {
    MINI_ASSIGN_OR_RETURN(bool row, leases.Step());
    if (!row) {
      break;
    }
    snapshot.leases.push_back({leases.Int(0), leases.Int(1)});
    snapshot.max_lease_id = std::max(snapshot.max_lease_id, leases.Int(0));
  }
  return Status::Ok();
}

Status SqliteLog::CheckRevisions(const mvcc::Batch& batch) const {
  // Reusing a revision would corrupt every watcher's view; refuse rather than store it.
  int64_t previous = last_revision_;
  for (const mvcc::Record& record : batch.records) {
    if (record.revision <= previous) {
      return Error(Code::kInternal,
                   "refusing to append revision {} to {}: revisions must grow (last {})",
                   record.revision, writer_.path().string(), previous);
    }
    previous = record.revision;
  }
  return Status::Ok();
}

Status SqliteLog::Append(const mvcc::Batch& batch) {
  if (batch.records.empty() && batch.granted.empty() && batch.revoked.empty()) {
    return Status::Ok();  // an empty transaction would still cost a WAL sync
  }
  auto gate = gate_.ForAppend();
  MINI_RETURN_IF_ERROR(CheckRevisions(batch));
  Status status = AppendInTransaction(batch);
  if (!status.ok()) {
    // All or nothing: whatever reached the WAL without a commit frame is ignored by SQLite.
    writer_.RollbackIfOpen();
    return status.WithContext("appending {} records", batch.records.size());
  }
  if (!batch.records.empty()) {
    last_revision_ = batch.records.back().revision;
  }
  return Status::Ok();
}

Status SqliteLog::AppendInTransaction(const mvcc::Batch& batch) {
  MINI_RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE", "starting a transaction"));
  Statement& insert = statements_.insert_record;
  for (const mvcc::Record& r : batch.records) {
    insert.Bind(1, r.revision).BindBlob(2, r.key);
    r.deleted ? insert.BindNull(3) : insert.BindBlob(3, r.value);
    insert.Bind(4, r.create_revision).Bind(5, r.version).Bind(6, r.lease).Bind(7, r.deleted);
    insert.Bind(8, r.prev_revision);
    MINI_RETURN_IF_ERROR(insert.Run());
  }
  for (const mvcc::LeaseRecord& lease : batch.granted) {
    MINI_RETURN_IF_ERROR(
        statements_.upsert_lease.Bind(1, lease.id).Bind(2, lease.ttl_seconds).Run());
    // Ids are never reused, even after the lease is revoked: remember the highest.
    MINI_RETURN_IF_ERROR(statements_.raise_max_lease.Bind(1, lease.id).Run());
  }
  for (LeaseId id : batch.revoked) {
    MINI_RETURN_IF_ERROR(statements_.delete_lease.Bind(1, id).Run());
  }
  return writer_.Exec("COMMIT", "committing");
}

Status SqliteLog::Compact(int64_t revision) {
  {
    auto gate = gate_.ForAppend();
    if (revision > last_revision_) {
      return Error(Code::kOutOfRange, "cannot compact {} to revision {}: the current is {}",
                   writer_.path().string(), revision, last_revision_)
          .WithReason(kReasonFutureRevision);
    }
    // Durable before any record goes: a crash after this resumes the deletions on open.
    Status status = statements_.raise_compacted.Bind(1, revision).Run();
    MINI_RETURN_IF_ERROR(
        status.WithContext("storing compaction point {} in {}", revision, writer_.path().string()));
  }
  compactor_->SetTarget(revision);
  return Status::Ok();
}

Result<mvcc::LogPtr> OpenSqliteLog(const fs::path& path, SqliteOptions options) {
  MINI_ASSIGN_OR_RETURN(std::unique_ptr<SqliteLog> log, SqliteLog::Open(path, options));
  return mvcc::LogPtr(std::move(log));
}

}  // namespace mini::store::sqlite
