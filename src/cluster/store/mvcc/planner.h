// The planner validates one group commit: each write in order against the index plus the
// effects of the batch's earlier writes, and turns the writes that succeed into changes with
// consecutive revisions. Nothing is applied here; the committer applies the plan only after
// the log has made it durable, so a failed append leaves no trace.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/index.h"
#include "cluster/store/mvcc/lessor.h"
#include "cluster/store/mvcc/log.h"
#include "cluster/store/mvcc/version.h"

namespace mini::store::mvcc {

/// One request to the committer.
struct Op {
  enum class Kind { kCreate, kUpdate, kDelete, kGrant, kRevoke, kExpire, kCompact };
  Kind kind = Kind::kCreate;
  std::string key;
  std::string value;
  /// The expected mod_revision (kUpdate, kDelete) or the compaction revision (kCompact).
  int64_t revision = 0;
  LeaseId lease = 0;  // the write's lease, or the lease to revoke
  std::chrono::seconds ttl{0};
};

/// What the writer gets back.
struct OpResult {
  Status status;
  KeyValue kv;           // the stored (or, for kDelete, the deleted) key-value
  LeaseId lease = 0;     // kGrant: the new lease
  bool changed = false;  // kCompact: the compaction point moved
};

class Planner {
 public:
  /// Reads `index` and `lessor` while planning: the caller holds the index lock.
  Planner(const Index& index, const Lessor& lessor, LeaseId next_lease);

  /// Validates `op` against the state so far and, if it succeeds, adds its changes.
  /// Moves the value out of `op`.
  OpResult Plan(Op& op);

  bool empty() const { return changes_.empty() && granted_.empty() && revoked_.empty(); }
  std::vector<Change>& changes() { return changes_; }
  const std::vector<LeaseRecord>& granted() const { return granted_; }
  const std::vector<LeaseId>& revoked() const { return revoked_; }
  LeaseId next_lease() const { return next_lease_; }
  /// The plan as the log stores it.
  Batch ToBatch() const;

 private:
  const Version* Current(const std::string& key) const;
  bool LeaseLive(LeaseId id) const;
  Status CheckLease(LeaseId id) const;
  OpResult Create(Op& op);
  OpResult Update(Op& op);
  OpResult Delete(const Op& op);
  OpResult Grant(const Op& op);
  OpResult Revoke(const Op& op);
  Version NewVersion(int64_t create_revision, int64_t version, LeaseId lease,
                     SharedValue value) const;
  void Commit(const std::string& key, const Version& version, std::optional<Version> prev);

  const Index& index_;
  const Lessor& lessor_;
  int64_t next_revision_;
  LeaseId next_lease_;
  std::map<std::string, Version> overlay_;  // the newest version of each key this batch wrote
  std::set<LeaseId> granted_ids_;
  std::set<LeaseId> revoked_ids_;
  std::vector<Change> changes_;
  std::vector<LeaseRecord> granted_;
  std::vector<LeaseId> revoked_;
};

}  // namespace mini::store::mvcc
