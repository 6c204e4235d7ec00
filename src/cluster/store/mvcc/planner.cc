#include "cluster/store/mvcc/planner.h"

namespace mini::store::mvcc {
namespace {

const SharedValue& EmptyValue() {
  static const SharedValue empty = std::make_shared<const std::string>();
  return empty;
}

OpResult Failed(Status status) {
  OpResult result;
  result.status = std::move(status);
  return result;
}

}  // namespace

Planner::Planner(const Index& index, const Lessor& lessor, LeaseId next_lease)
    : index_(index),
      lessor_(lessor),
      next_revision_(index.current() + 1),
      next_lease_(next_lease) {}

OpResult Planner::Plan(Op& op) {
  switch (op.kind) {
    case Op::Kind::kCreate:
      return Create(op);
    case Op::Kind::kUpdate:
      return Update(op);
    case Op::Kind::kDelete:
      return Delete(op);
    case Op::Kind::kGrant:
      return Grant(op);
    case Op::Kind::kRevoke:
    case Op::Kind::kExpire:
      return Revoke(op);
    case Op::Kind::kCompact:
      break;
  }
  return Failed(Error(Code::kInternal, "a compaction cannot be part of a write batch"));
}

Batch Planner::ToBatch() const {
  Batch batch;
  batch.records.reserve(changes_.size());
  for (const Change& change : changes_) {
    Record& record = batch.records.emplace_back(ToRecord(change.key, change.version));
    if (change.prev) record.prev_revision = change.prev->revision;
  }
  batch.granted = granted_;
  batch.revoked = revoked_;
  return batch;
}

const Version* Planner::Current(const std::string& key) const {
  auto it = overlay_.find(key);
  if (it != overlay_.end()) {
    return it->second.deleted ? nullptr : &it->second;
  }
  return index_.Latest(key);
}

bool Planner::LeaseLive(LeaseId id) const {
  return !revoked_ids_.contains(id) && (granted_ids_.contains(id) || lessor_.Exists(id));
}

Status Planner::CheckLease(LeaseId id) const {
  if (id != 0 && !LeaseLive(id)) {
    return Error(Code::kNotFound, "lease {} not found", id);
  }
  return Status::Ok();
}

OpResult Planner::Create(Op& op) {
  if (Status valid = ValidateWrite(op.key, op.value); !valid.ok()) {
    return Failed(valid);
  }
  if (Current(op.key) != nullptr) {
    return Failed(Error(Code::kAlreadyExists, "key {} already exists", PrintableKey(op.key)));
  }
  if (Status lease = CheckLease(op.lease); !lease.ok()) {
    return Failed(lease);
  }
  Version created = NewVersion(next_revision_, 1, op.lease,
                               std::make_shared<const std::string>(std::move(op.value)));
  Commit(op.key, created, std::nullopt);
  return OpResult{.kv = ToKeyValue(op.key, created)};
}

OpResult Planner::Update(Op& op) {
  if (Status valid = ValidateWrite(op.key, op.value); !valid.ok()) {
    return Failed(valid);
  }
  const Version* current = Current(op.key);
  if (current == nullptr) {
    return Failed(Error(Code::kNotFound, "key {} not found", PrintableKey(op.key)));
  }
  if (current->revision != op.revision) {
    return Failed(Error(Code::kConflict, "key {} was modified at revision {}, not {}",
                        PrintableKey(op.key), current->revision, op.revision));
  }
  if (Status lease = CheckLease(op.lease); !lease.ok()) {
    return Failed(lease);
  }
  Version updated = NewVersion(current->create_revision, current->version + 1, op.lease,
                               std::make_shared<const std::string>(std::move(op.value)));
  Commit(op.key, updated, *current);
  return OpResult{.kv = ToKeyValue(op.key, updated)};
}

OpResult Planner::Delete(const Op& op) {
  if (op.key.empty()) {
    return Failed(Error(Code::kInvalidArgument, "the key is empty").WithReason("STORE_EMPTY_KEY"));
  }
  const Version* current = Current(op.key);
  if (current == nullptr) {
    return Failed(Error(Code::kNotFound, "key {} not found", PrintableKey(op.key)));
  }
  if (op.revision != 0 && current->revision != op.revision) {
    return Failed(Error(Code::kConflict, "key {} was modified at revision {}, not {}",
                        PrintableKey(op.key), current->revision, op.revision));
  }
  OpResult result{.kv = ToKeyValue(op.key, *current)};
  Version tombstone = NewVersion(0, 0, 0, EmptyValue());
  tombstone.deleted = true;
  result.kv.mod_revision = tombstone.revision;
  Commit(op.key, tombstone, *current);
  return result;
}

OpResult Planner::Grant(const Op& op) {
  // etcd's bounds; the upper one also keeps the deadline within the clock's range.
  constexpr std::chrono::seconds kMaxTtl{9'000'000'000};
  if (op.ttl < std::chrono::seconds(1) || op.ttl > kMaxTtl) {
    return Failed(Error(Code::kInvalidArgument, "a lease's TTL must be 1 to {} s, not {} s",
                        kMaxTtl.count(), op.ttl.count()));
  }
  LeaseId id = next_lease_++;
  granted_ids_.insert(id);
  granted_.push_back(LeaseRecord{id, op.ttl.count()});
  return OpResult{.lease = id};
}

OpResult Planner::Revoke(const Op& op) {
  if (!LeaseLive(op.lease)) {
    // An expiry that lost the race with an explicit revocation has nothing left to do.
    return op.kind == Op::Kind::kExpire
               ? OpResult{}
               : Failed(Error(Code::kNotFound, "lease {} not found", op.lease));
  }
  // The lease's keys as the index knows them, plus any this batch wrote; only those whose
  // newest version still carries the lease go.
  std::set<std::string> candidates;
  for (std::string& key : lessor_.Keys(op.lease)) {
    candidates.insert(std::move(key));
  }
  for (const auto& [key, version] : overlay_) {
    candidates.insert(key);
  }
  for (const std::string& key : candidates) {
    const Version* current = Current(key);
    if (current != nullptr && current->lease == op.lease) {
      Version tombstone = NewVersion(0, 0, 0, EmptyValue());
      tombstone.deleted = true;
      Commit(key, tombstone, *current);
    }
  }
  revoked_ids_.insert(op.lease);
  revoked_.push_back(op.lease);
  return OpResult{.lease = op.lease};
}

Version Planner::NewVersion(int64_t create_revision, int64_t version, LeaseId lease,
                            SharedValue value) const {
  Version out;
  out.revision = next_revision_;
  out.create_revision = create_revision;
  out.version = version;
  out.lease = lease;
  out.value = std::move(value);
  return out;
}

void Planner::Commit(const std::string& key, const Version& version, std::optional<Version> prev) {
  // `prev` is a copy: it may point into overlay_, which the assignment below overwrites.
  overlay_[key] = version;
  changes_.push_back(Change{key, version, std::move(prev)});
  ++next_revision_;
}

}  // namespace mini::store::mvcc
