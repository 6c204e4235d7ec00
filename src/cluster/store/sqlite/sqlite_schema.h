// The datastore file: how it is created, recognized and opened.
//
// A file is mini's datastore when its SQLite header carries kApplicationId; anything else is
// refused before SQLite is allowed to write to it, so a foreign or damaged file is never
// modified (opening it read-write could replay a journal or checkpoint a WAL into it).
#pragma once

#include <cstdint>
#include <filesystem>

#include "cluster/store/sqlite/sqlite_db.h"
#include "common/status.h"

namespace mini::store::sqlite {

/// PRAGMA application_id of every mini datastore: "mini" in ASCII.
inline constexpr int32_t kApplicationId = 0x6D696E69;
/// PRAGMA user_version: the layout of the tables below. Bump it with a migration.
inline constexpr int64_t kSchemaVersion = 2;

/// Creates the datastore when `path` does not exist or is empty, then checks that the file is
/// an intact mini datastore (kFailedPrecondition naming the file otherwise) and returns a
/// read-write connection to it.
Result<Db> OpenDatastore(const std::filesystem::path& path, bool sync);

/// One more read-write connection to a datastore OpenDatastore accepted: WAL mode, busy
/// timeout, `synchronous` FULL when `sync` else NORMAL.
Result<Db> OpenConnection(const std::filesystem::path& path, bool sync);

}  // namespace mini::store::sqlite
