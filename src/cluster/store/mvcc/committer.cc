// The committer thread: the only place the store changes.
#include <mutex>

#include "cluster/store/mvcc/kv_store_impl.h"

namespace mini::store::mvcc {

void KvStore::CommitLoop() {
  while (true) {
    std::vector<PendingOp> ops = queue_.Take(options_.max_batch);
    if (ops.empty()) {
      return;  // closed and drained
    }
    if (ops.front().op.kind == Op::Kind::kCompact) {
      ops.front().done(CompactNow(ops.front().op.revision));
      continue;
    }
    CommitBatch(ops);
  }
}

void KvStore::CommitBatch(std::vector<PendingOp>& ops) {
  std::vector<OpResult> results;
  results.reserve(ops.size());
  std::shared_lock read(index_mu_);  // only trimming competes; it never changes a newest version
  Planner planner(index_, lessor_, next_lease_);
  for (PendingOp& pending : ops) {
    results.push_back(planner.Plan(pending.op));
  }
  read.unlock();
  // Durable first: if the log refuses the batch, every write in it fails with the log's error
  // and nothing of it reaches the index, the lessor or a watcher.
  Status durable = Persist(planner);
  if (durable.ok()) {
    Apply(planner);
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!durable.ok() && results[i].status.ok()) {
      results[i] = OpResult{.status = durable};
    }
    ops[i].done(std::move(results[i]));
  }
}

Status KvStore::Persist(const Planner& planner) {
  if (log_ == nullptr || planner.empty()) {
    return Status::Ok();
  }
  return log_->Append(planner.ToBatch());
}

void KvStore::Apply(Planner& planner) {
  std::vector<Change>& changes = planner.changes();
  {
    std::unique_lock write(index_mu_);
    for (const Change& change : changes) {
      index_.Apply(change.key, change.version);
    }
  }
  for (const LeaseRecord& lease : planner.granted()) {
    lessor_.Grant(lease.id, std::chrono::seconds(lease.ttl_seconds));
  }
  for (const Change& change : changes) {
    if (change.prev && change.prev->lease != 0) {
      lessor_.Detach(change.prev->lease, change.key);
    }
    if (!change.version.deleted && change.version.lease != 0) {
      lessor_.Attach(change.version.lease, change.key);
    }
  }
  for (LeaseId lease : planner.revoked()) {
    lessor_.Revoke(lease);
  }
  next_lease_ = planner.next_lease();
  // Published before the writers are acknowledged, so a writer that watches from its own
  // revision after the ack finds the change in the history.
  hub_->Publish(std::move(changes));
}

OpResult KvStore::CompactNow(int64_t revision) {
  int64_t current = 0;
  int64_t compacted = 0;
  {
    std::shared_lock read(index_mu_);
    current = index_.current();
    compacted = index_.compacted();
  }
  if (revision < 0) {
    return {.status = Error(Code::kInvalidArgument, "revision {} is negative", revision)};
  }
  if (revision > current) {
    return {.status = Error(Code::kOutOfRange,
                            "cannot compact to revision {}: the current revision is {}", revision,
                            current)
                          .WithReason(kReasonFutureRevision)};
  }
  if (revision <= compacted) {
    return {};
  }
  // The log first: if it cannot record the new compaction point, nothing changes.
  if (log_ != nullptr) {
    if (Status logged = log_->Compact(revision); !logged.ok()) {
      return {.status = logged};
    }
  }
  {
    std::unique_lock write(index_mu_);
    index_.SetCompacted(revision);
  }
  hub_->Compact(revision);
  return {.changed = true};
}

}  // namespace mini::store::mvcc
