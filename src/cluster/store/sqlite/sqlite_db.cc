#include "cluster/store/sqlite/sqlite_db.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace mini::store::sqlite {
namespace fs = std::filesystem;

namespace {

// SQLite reports a failed write(2) as SQLITE_IOERR_WRITE unless errno was ENOSPC, so a file
// size limit (EFBIG) or a quota (EDQUOT) needs the errno to be recognized as "no space".
bool IsOutOfSpace(int primary, int err) {
  return primary == SQLITE_FULL ||
         (primary == SQLITE_IOERR && (err == ENOSPC || err == EFBIG || err == EDQUOT));
}

// sqlite3_system_errno is only updated on some error paths (not for a failed COMMIT), but
// the unix VFS keeps the errno of each file's last failed call: ask the WAL, then the file.
int LastErrno(sqlite3* db) {
  int err = sqlite3_system_errno(db);
  sqlite3_file* wal = nullptr;
  if (err == 0 &&
      sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK &&
      wal != nullptr && wal->pMethods != nullptr) {
    wal->pMethods->xFileControl(wal, SQLITE_FCNTL_LAST_ERRNO, &err);
  }
  if (err == 0) {
    sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &err);
  }
  return err;
}

Code CodeFor(int primary, int err) {
  if (IsOutOfSpace(primary, err) || primary == SQLITE_NOMEM) {
    return Code::kResourceExhausted;
  }
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Code::kUnavailable;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Code::kPermissionDenied;
    case SQLITE_CANTOPEN:
      return err != 0 ? CodeFromErrno(err) : Code::kFailedPrecondition;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Code::kFailedPrecondition;
    default:
      return Code::kInternal;
  }
}

}  // namespace

Status SqliteError(sqlite3* db, int rc, const fs::path& path, std::string_view what) {
  int primary = rc & 0xff;
  bool system = primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL;
  int err = db != nullptr && system ? LastErrno(db) : 0;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (err != 0) {
    detail += fmt::format(" ({})", std::strerror(err));
  }
  if (IsOutOfSpace(primary, err)) {
    return Error(Code::kResourceExhausted,
                 "{} in {}: out of space, the file system is full or the file size limit was "
                 "reached: {} (SQLite error {})",
                 what, path.string(), detail, rc)
        .WithAdvice(fmt::format("free space on the file system holding {}; the failed write was "
                                "not applied and earlier data is intact",
                                path.parent_path().string()))
        .WithReason("STORE_DISK_FULL");
  }
  return Error(CodeFor(primary, err), "{} in {}: {} (SQLite error {})", what, path.string(), detail,
               rc);
}

Result<Db> Db::Open(const fs::path& path, int flags) {
  Db db;
  db.path_ = path;
  // The connection is used by one thread at a time, but SQLite's own mutexes are kept (no
  // SQLITE_OPEN_NOMUTEX): they cost little next to disk I/O and guard against our mistakes.
  int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    return db.Error(rc, "opening the datastore");
  }
  // Extended codes tell SQLITE_IOERR_WRITE from SQLITE_IOERR_FSYNC in messages.
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Db::~Db() {
  // close_v2 defers the close until every statement is finalized instead of failing; a
  // failure here would only leak, and there is no caller left to tell.
  int rc = sqlite3_close_v2(db_);
  if (rc != SQLITE_OK) {
    spdlog::warn("closing {}: {}", path_.string(), sqlite3_errstr(rc));
  }
}

Status Db::Exec(std::string_view sql, std::string_view what) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still holds the same text
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, what);
}

Result<int64_t> Db::QueryInt(std::string_view sql, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(Statement statement, Statement::Prepare(*this, sql));
  MINI_ASSIGN_OR_RETURN(bool row, statement.Step());
  if (!row) {
    return ::mini::Error(Code::kInternal, "{} in {}: no result", what, path_.string());
  }
  int64_t value = statement.Int(0);
  statement.Reset();
  return value;
}

void Db::RollbackIfOpen() {
  if (db_ == nullptr || sqlite3_get_autocommit(db_) != 0) {
    return;  // no transaction open: SQLite already rolled it back
  }
  int rc = sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    spdlog::error("{}", Error(rc, "rolling back a failed transaction").ToString());
  }
}

Result<Statement> Statement::Prepare(const Db& db, std::string_view sql) {
  Statement statement;
  statement.db_ = db.get();
  statement.path_ = db.path();
  int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement.stmt_, nullptr);
  if (rc != SQLITE_OK) {
    return db.Error(rc, fmt::format("preparing \"{}\"", sql));
  }
  return statement;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    path_ = std::move(other.path_);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob needs a non-null pointer, or SQLite would store NULL.
  static const char kEmpty = 0;
  const char* data = bytes.empty() ? &kEmpty : bytes.data();
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC);
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Statement& Statement::BindText(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    int rc = bind_rc_;
    Reset();
    return SqliteError(db_, rc, path_,
                       fmt::format("binding parameters of \"{}\"", sqlite3_sql(stmt_)));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  // The message is taken before Reset, which would report the same error again.
  Status status =
      rc == SQLITE_DONE
          ? Status::Ok()
          : SqliteError(db_, rc, path_, fmt::format("running \"{}\"", sqlite3_sql(stmt_)));
  Reset();
  if (!status.ok()) {
    return status;
  }
  return false;
}

Status Statement::Run() {
  // Some PRAGMAs return rows while they work; step through them all.
  while (true) {
    MINI_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) {
      return Status::Ok();
    }
  }
}

void Statement::Reset() {
  // sqlite3_reset repeats the last step's error code, already reported by Step.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::string Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

std::string Statement::Text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace mini::store::sqlite
