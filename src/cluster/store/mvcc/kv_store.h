// The embedded store: an in-memory multi-version index that serves every read and watch, an
// optional durable Log behind it, and a committer that group-commits concurrent writes.
#pragma once

#include <chrono>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/log.h"

namespace mini::store::mvcc {

struct KvStoreOptions {
  /// How often leases are checked for expiry.
  std::chrono::milliseconds lease_check_interval{500};
  /// Most writes one group commit takes at once.
  size_t max_batch = 1024;
};

/// Loads `log` (nullptr: a purely in-memory store) and serves it. Errors from Load are
/// returned as they are (a damaged or foreign file is refused, never rewritten).
Result<BackendPtr> NewKvStore(LogPtr log, KvStoreOptions options = {});

}  // namespace mini::store::mvcc
