// Rebuilding the in-memory state from what the log holds when the store opens.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cluster/store/mvcc/index.h"
#include "cluster/store/mvcc/log.h"
#include "cluster/store/mvcc/version.h"

namespace mini::store::mvcc {

struct LoadedState {
  Index index;
  std::vector<Change> history;  // the changes after the compaction point, for watchers
  std::vector<LeaseRecord> leases;
  std::vector<std::pair<LeaseId, std::string>> attachments;  // live keys written with a lease
  LeaseId next_lease = 1;
};

/// Checks that the snapshot is consistent (records strictly ascending and within the current
/// revision; compaction point not beyond it) and rebuilds index, history and leases from it.
/// kFailedPrecondition when it is not: a damaged log is refused, not served.
Result<LoadedState> LoadSnapshot(Snapshot snapshot);

}  // namespace mini::store::mvcc
