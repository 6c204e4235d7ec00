// The embedded backend (the default): SQLite in WAL mode as the durable log under an in-memory
// index (mvcc::KvStore).
#pragma once

#include <filesystem>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/log.h"

namespace mini::store::sqlite {

struct SqliteOptions {
  /// fsync every commit (true: like etcd, survives power loss; false: survives a crash of the
  /// process but not of the machine).
  bool sync = true;
  /// Superseded records removed per compaction step; each step is one short transaction.
  int compaction_batch = 1000;
};

/// Opens or creates the database at `path`. A file that is not a mini datastore (another
/// SQLite database, or not SQLite at all) is refused with kFailedPrecondition naming it, and
/// left untouched.
Result<mvcc::LogPtr> OpenSqliteLog(const std::filesystem::path& path, SqliteOptions options = {});

/// OpenSqliteLog served by mvcc::NewKvStore.
Result<BackendPtr> NewSqliteBackend(const std::filesystem::path& path, SqliteOptions options = {});

}  // namespace mini::store::sqlite
