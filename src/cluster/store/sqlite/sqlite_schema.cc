#include "cluster/store/sqlite/sqlite_schema.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace mini::store::sqlite {
namespace fs = std::filesystem;

namespace {

constexpr int kBusyTimeoutMs = 5000;
// A restarted WAL longer than this is cut back to it. The compactor restarts the WAL every
// ~1000 frames (4 MiB); only a single huge batch takes it further.
constexpr int kWalSizeLimit = 16 << 20;

// revision is the rowid, so appends go to the right edge of the table's b-tree and touch one
// or two pages per commit. A tombstone has a NULL value. prev_revision names the record a row
// supersedes, which is how compaction finds what to remove: an index on the key would put
// every write at a random place in a second b-tree, several times the pages per commit.
constexpr char kSchemaSql[] = R"sql(
CREATE TABLE log(
  revision INTEGER PRIMARY KEY,
  key BLOB NOT NULL,
  value BLOB,
  create_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL DEFAULT 0);
CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta(name, value)
  VALUES ('compacted_revision', 0), ('compact_cursor', 0), ('max_lease_id', 0);
CREATE TABLE leases(id INTEGER PRIMARY KEY, ttl_seconds INTEGER NOT NULL);
)sql";

fs::path WithSuffix(const fs::path& path, const char* suffix) {
  fs::path result = path;
  result += suffix;
  return result;
}

Status Refusal(const fs::path& path, std::string what, std::string advice, std::string reason) {
  return Status(Code::kFailedPrecondition, fmt::format("{} {}", path.string(), what))
      .WithAdvice(std::move(advice))
      .WithReason(std::move(reason));
}

Status NotADatastore(const fs::path& path, std::string_view why) {
  return Refusal(path, fmt::format("is not a mini datastore: {}", why),
                 "mini did not modify it; move it away or choose another datastore path",
                 "STORE_NOT_A_DATASTORE");
}

Status Damaged(const fs::path& path, std::string_view why) {
  return Refusal(path, fmt::format("is a damaged mini datastore: {}", why),
                 "mini did not modify it; restore it from a backup, or move it away to start "
                 "with an empty datastore",
                 "STORE_CORRUPT");
}

Status Fsync(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("opening {}", path.string()));
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok()
                 : ErrnoError(CodeFromErrno(err), err, fmt::format("syncing {}", path.string()));
}

Status RemoveIfPresent(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  return ec ? Error(CodeFromErrno(ec.value()), "removing {}: {}", path.string(), ec.message())
            : Status::Ok();
}

// Builds the whole schema in `tmp`, leaving it in WAL mode with the WAL checkpointed away.
Status BuildDatastore(const fs::path& tmp) {
  MINI_ASSIGN_OR_RETURN(Db db, Db::Open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  // auto_vacuum can only be chosen before the first table exists; INCREMENTAL lets the
  // compactor give freed pages back to the file system in small steps.
  MINI_RETURN_IF_ERROR(db.Exec("PRAGMA auto_vacuum = INCREMENTAL", "choosing auto_vacuum"));
  MINI_RETURN_IF_ERROR(db.Exec(fmt::format("BEGIN; {} PRAGMA application_id = {}; "
                                           "PRAGMA user_version = {}; COMMIT;",
                                           kSchemaSql, kApplicationId, kSchemaVersion),
                               "creating the datastore schema"));
  // The mode is persistent: every later connection opens the file in WAL mode.
  MINI_ASSIGN_OR_RETURN(Statement wal, Statement::Prepare(db, "PRAGMA journal_mode = WAL"));
  MINI_ASSIGN_OR_RETURN(bool row, wal.Step());
  std::string mode = row ? wal.Text(0) : std::string();
  wal.Reset();
  if (mode != "wal") {
    return Error(Code::kFailedPrecondition, "{} cannot use SQLite's WAL mode (got \"{}\")",
                 tmp.string(), mode);
  }
  return Status::Ok();  // closing the only connection checkpoints and deletes the WAL
}

// Creation happens under a temporary name and is renamed into place, so `path` is either
// absent or a complete datastore: a crash mid-creation cannot leave a half-made file that
// the next open would have to refuse.
Status CreateDatastore(const fs::path& path) {
  fs::path tmp = WithSuffix(path, ".creating");
  for (const char* leftover : {"", "-journal", "-wal", "-shm"}) {
    MINI_RETURN_IF_ERROR(RemoveIfPresent(WithSuffix(tmp, leftover)));
  }
  Status status = BuildDatastore(tmp);
  // The datastore holds Secrets: only its owner may read it (SQLite gives the -wal and -shm
  // files the database's mode).
  if (status.ok() && ::chmod(tmp.c_str(), 0600) != 0) {
    status = ErrnoError(CodeFromErrno(errno), errno, "restricting " + tmp.string());
  }
  if (status.ok()) {
    status = Fsync(tmp, O_RDONLY);
  }
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoError(CodeFromErrno(errno), errno,
                        fmt::format("renaming {} to {}", tmp.string(), path.string()));
  }
  if (!status.ok()) {
    Status removed = RemoveIfPresent(tmp);
    return removed.ok() ? status.WithContext("creating the datastore {}", path.string())
                        : status.WithContext("creating the datastore {} ({})", path.string(),
                                             removed.message());
  }
  return Fsync(path.parent_path().empty() ? fs::path(".") : path.parent_path(), O_RDONLY);
}

Result<std::vector<unsigned char>> ReadHeader(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("opening {}", path.string()));
  }
  std::vector<unsigned char> header(100);
  size_t got = 0;
  while (got < header.size()) {
    ssize_t n = ::read(fd, header.data() + got, header.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError(CodeFromErrno(err), err, fmt::format("reading {}", path.string()));
    }
    if (n == 0) {
      break;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  header.resize(got);
  return header;
}

// Identifies the file from its raw header, without letting SQLite touch it.
Status CheckHeader(const fs::path& path) {
  MINI_ASSIGN_OR_RETURN(std::vector<unsigned char> header, ReadHeader(path));
  static constexpr char kMagic[] = "SQLite format 3";  // 16 bytes with its NUL
  if (header.size() < sizeof(kMagic) || std::memcmp(header.data(), kMagic, sizeof(kMagic)) != 0) {
    return NotADatastore(path, "it is not an SQLite database");
  }
  if (header.size() < 100) {
    return Damaged(path, fmt::format("the file ends at byte {}, inside the header", header.size()));
  }
  // The application id is a big-endian 32-bit integer at offset 68.
  uint32_t id = (uint32_t{header[68]} << 24) | (uint32_t{header[69]} << 16) |
                (uint32_t{header[70]} << 8) | uint32_t{header[71]};
  if (id != static_cast<uint32_t>(kApplicationId)) {
    return NotADatastore(path, fmt::format("it is an SQLite database of another application "
                                           "(application_id 0x{:08x}, mini's is 0x{:08x})",
                                           id, static_cast<uint32_t>(kApplicationId)));
  }
  return Status::Ok();
}

// Reads the schema version and runs quick_check through a read-only connection: it can read
// the WAL but never checkpoints it into the file or rolls a journal back.
Status CheckContents(const fs::path& path) {
  MINI_ASSIGN_OR_RETURN(Db db, Db::Open(path, SQLITE_OPEN_READONLY));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  Result<int64_t> version = db.QueryInt("PRAGMA user_version", "reading the schema version");
  if (!version.ok()) {
    return Damaged(path, version.status().message());
  }
  if (*version > kSchemaVersion) {
    return Refusal(path,
                   fmt::format("was written by a newer mini (datastore schema {}, this mini "
                               "knows up to {})",
                               *version, kSchemaVersion),
                   "upgrade mini to open it; it was not modified", "STORE_NEWER_SCHEMA");
  }
  if (*version < 1) {
    return Damaged(path, "its schema version is missing");
  }
  MINI_ASSIGN_OR_RETURN(Statement check, Statement::Prepare(db, "PRAGMA quick_check(5)"));
  std::vector<std::string> problems;
  while (true) {
    Result<bool> row = check.Step();
    if (!row.ok()) {
      return Damaged(path, row.status().message());
    }
    if (!*row) {
      break;
    }
    if (std::string line = check.Text(0); line != "ok") {
      std::replace(line.begin(), line.end(), '\n', ' ');  // one line per problem in the message
      problems.push_back(std::move(line));
    }
  }
  if (!problems.empty()) {
    return Damaged(path, fmt::format("quick_check reports: {}", fmt::join(problems, "; ")));
  }
  return Status::Ok();
}

Status CreateIfAbsent(const fs::path& path) {
  std::error_code ec;
  bool absent = !fs::exists(path, ec) && !ec;
  bool empty = !absent && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0 && !ec;
  if (!absent && !empty) {
    return Status::Ok();
  }
  // A WAL without its database is not ours to drop, and SQLite would replay it into the new
  // file, so it is refused like any other unknown file.
  fs::path wal = WithSuffix(path, "-wal");
  if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0) {
    return Refusal(wal, fmt::format("is a write-ahead log without its database {}", path.string()),
                   "mini did not modify it; restore the database beside it or move it away",
                   "STORE_ORPHAN_WAL");
  }
  return CreateDatastore(path);
}

// Schema 1 found superseded records through an index on (key, revision); schema 2 records
// each row's predecessor instead. The index serves the migration once, then goes.
constexpr char kMigrateFrom1Sql[] = R"sql(
BEGIN IMMEDIATE;
ALTER TABLE log ADD COLUMN prev_revision INTEGER NOT NULL DEFAULT 0;
UPDATE log SET prev_revision = IFNULL((SELECT MAX(n.revision) FROM log AS n
  WHERE n.key = log.key AND n.revision < log.revision), 0);
DROP INDEX log_key_revision;
PRAGMA user_version = 2;
COMMIT;
)sql";

Status Migrate(Db& db, const fs::path& path) {
  MINI_ASSIGN_OR_RETURN(int64_t version,
                        db.QueryInt("PRAGMA user_version", "reading the schema version"));
  if (version == 1) {
    Status migrated = db.Exec(kMigrateFrom1Sql, "moving the datastore to schema 2");
    if (!migrated.ok()) {
      db.RollbackIfOpen();
      return migrated.WithContext("upgrading {}", path.string());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Db> OpenDatastore(const fs::path& path, bool sync) {
  MINI_RETURN_IF_ERROR(CreateIfAbsent(path));
  MINI_RETURN_IF_ERROR(CheckHeader(path));
  MINI_RETURN_IF_ERROR(CheckContents(path));
  MINI_ASSIGN_OR_RETURN(Db db, OpenConnection(path, sync));
  MINI_RETURN_IF_ERROR(Migrate(db, path));
  return db;
}

Result<Db> OpenConnection(const fs::path& path, bool sync) {
  // No SQLITE_OPEN_CREATE: the file was created and checked by OpenDatastore.
  MINI_ASSIGN_OR_RETURN(Db db, Db::Open(path, SQLITE_OPEN_READWRITE));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  MINI_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA synchronous = {}; PRAGMA journal_mode = WAL;"
                                           "PRAGMA journal_size_limit = {};",
                                           sync ? "FULL" : "NORMAL", kWalSizeLimit),
                               "configuring the connection"));
  return db;
}

}  // namespace mini::store::sqlite
