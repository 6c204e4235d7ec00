// The durable half of the embedded store: an append-only log of changes that the in-memory
// index (mvcc::KvStore) is rebuilt from on open. The SQLite backend implements it; the memory
// backend has none.
//
// Not thread-safe: KvStore calls Append from its single committer thread and the rest under
// its own locks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/store/backend.h"

namespace mini::store::mvcc {

/// A key's state after one change, or its tombstone.
struct Record {
  int64_t revision = 0;
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t version = 0;
  LeaseId lease = 0;
  bool deleted = false;
  /// The revision of the record this one supersedes (the key's live version it replaced), 0
  /// for a creation: compaction removes it once this record is at or below the compaction
  /// point, without having to search the log by key.
  int64_t prev_revision = 0;
};

struct LeaseRecord {
  LeaseId id = 0;
  int64_t ttl_seconds = 0;
};

/// One group commit: every change of several writers, persisted all or nothing.
struct Batch {
  std::vector<Record> records;  // ascending, consecutive revisions
  std::vector<LeaseRecord> granted;
  std::vector<LeaseId> revoked;
};

/// What the log holds when opened.
struct Snapshot {
  /// For every key, its newest record at or below the compaction point (unless that is a
  /// tombstone), then every record above it, all in revision order.
  std::vector<Record> records;
  int64_t compacted_revision = 0;
  int64_t current_revision = 0;
  std::vector<LeaseRecord> leases;
  LeaseId max_lease_id = 0;
};

class Log {
 public:
  virtual ~Log() = default;

  /// Reads everything back. Called once, before any Append.
  virtual Result<Snapshot> Load() = 0;
  /// Persists one batch durably in one transaction. On failure (disk full, I/O error) nothing
  /// of the batch is stored and earlier batches are intact.
  virtual Status Append(const Batch& batch) = 0;
  /// Records the new compaction point durably, then removes superseded records below it in
  /// the background, in bounded steps that never hold writers up for long, and gives the
  /// freed pages back to the file system.
  virtual Status Compact(int64_t revision) = 0;
};
using LogPtr = std::unique_ptr<Log>;

}  // namespace mini::store::mvcc
