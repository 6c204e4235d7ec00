#include "cluster/store/sqlite/sqlite_backend.h"

#include <utility>

#include "cluster/store/mvcc/kv_store.h"

namespace mini::store::sqlite {

Result<BackendPtr> NewSqliteBackend(const std::filesystem::path& path, SqliteOptions options) {
  MINI_ASSIGN_OR_RETURN(mvcc::LogPtr log, OpenSqliteLog(path, options));
  return mvcc::NewKvStore(std::move(log));
}

}  // namespace mini::store::sqlite
