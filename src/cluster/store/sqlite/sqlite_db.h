// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement, with every
// SQLite failure turned into a Status that names the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace mini::store::sqlite {

/// Maps an SQLite result code (and the errno behind an I/O error) to a Status: disk full ->
/// kResourceExhausted, other I/O errors -> kInternal, damage -> kFailedPrecondition.
Status SqliteError(sqlite3* db, int rc, const std::filesystem::path& path, std::string_view what);

/// One connection. Used by one thread at a time (callers serialize).
class Db {
 public:
  /// `flags` are sqlite3_open_v2's (SQLITE_OPEN_READONLY, SQLITE_OPEN_READWRITE...).
  static Result<Db> Open(const std::filesystem::path& path, int flags);

  Db() = default;
  Db(Db&& other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  sqlite3* get() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  /// Runs one or more statements that return no rows the caller needs.
  Status Exec(std::string_view sql, std::string_view what);
  /// The first column of the first row of `sql` (PRAGMA user_version...).
  Result<int64_t> QueryInt(std::string_view sql, std::string_view what);
  /// The Status for a failed call on this connection that returned `rc`.
  Status Error(int rc, std::string_view what) const { return SqliteError(db_, rc, path_, what); }
  /// Ends a transaction a failure left open; after an I/O error SQLite may already have.
  void RollbackIfOpen();

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

/// A prepared statement, reused across calls (prepared once, reset after each use). It must
/// be destroyed before its connection.
class Statement {
 public:
  static Result<Statement> Prepare(const Db& db, std::string_view sql);

  Statement() = default;
  Statement(Statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)),
        db_(other.db_),
        path_(std::move(other.path_)),
        bind_rc_(other.bind_rc_) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  /// Bindings are 1-based. Blobs are bound without copying: they must outlive the Step calls.
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindText(int index, std::string_view text);
  Statement& BindNull(int index);

  /// Steps once: true when a row is ready, false when done. Done or failed, the statement is
  /// reset and its bindings cleared; a caller stopping early calls Reset.
  Result<bool> Step();
  /// Steps a statement that returns no rows to completion.
  Status Run();
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  /// Byte-exact, including NULs; NULL reads as empty.
  std::string Blob(int column) const;
  std::string Text(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  // The connection's handle and file, not the Db: a Db may move, its handle stays the same.
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  int bind_rc_ = SQLITE_OK;  // the first failed binding, reported by the next Step
};

/// Resets a statement when a scope that may stop iterating early ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

}  // namespace mini::store::sqlite
