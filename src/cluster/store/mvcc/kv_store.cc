#include "cluster/store/mvcc/kv_store.h"

#include <future>
#include <mutex>
#include <utility>

#include "cluster/store/mvcc/kv_store_impl.h"
#include "common/thread.h"

namespace mini::store::mvcc {
namespace {

// Keys trimmed per exclusive-lock hold while compacting, so readers and the committer wait
// at most one short step.
constexpr size_t kTrimKeysPerStep = 1024;

KvStoreOptions Sanitized(KvStoreOptions options) {
  if (options.lease_check_interval <= std::chrono::milliseconds(0)) {
    options.lease_check_interval = KvStoreOptions{}.lease_check_interval;
  }
  options.max_batch = std::max<size_t>(options.max_batch, 1);
  return options;
}

}  // namespace

KvStore::KvStore(LogPtr log, KvStoreOptions options, LoadedState state)
    : log_(std::move(log)),
      options_(Sanitized(options)),
      index_(std::move(state.index)),
      hub_(WatchHub::Start(index_.compacted(), index_.current(), std::move(state.history))),
      next_lease_(state.next_lease) {
  for (const LeaseRecord& lease : state.leases) {
    // Expiry restarts at open: how long the store was down must not count against a lease.
    lessor_.Grant(lease.id, std::chrono::seconds(lease.ttl_seconds));
  }
  for (const auto& [lease, key] : state.attachments) {
    lessor_.Attach(lease, key);
  }
  committer_ = std::thread([this] {
    NameThisThread("mini-committer");
    CommitLoop();
  });
  lessor_.StartTimer(options_.lease_check_interval,
                     [this](std::vector<LeaseId> leases) { ExpireLeases(std::move(leases)); });
}

KvStore::~KvStore() {
  lessor_.StopTimer();  // first: it writes through the committer
  queue_.Close();
  committer_.join();
  hub_->Shutdown();
}

Result<KeyValue> KvStore::Get(const std::string& key, int64_t revision) {
  std::shared_lock lock(index_mu_);
  return index_.Get(key, revision);
}

Result<RangeResult> KvStore::Range(const RangeRequest& request) {
  std::shared_lock lock(index_mu_);
  return index_.Range(request);
}

Result<KeyValue> KvStore::Create(const std::string& key, const std::string& value, LeaseId lease) {
  return Wait([&](WriteDone done) { CreateAsync(key, value, lease, std::move(done)); });
}

Result<KeyValue> KvStore::Update(const std::string& key, const std::string& value,
                                 int64_t expected_mod_revision, LeaseId lease) {
  return Wait([&](WriteDone done) {
    UpdateAsync(key, value, expected_mod_revision, lease, std::move(done));
  });
}

Result<KeyValue> KvStore::Delete(const std::string& key, int64_t expected_mod_revision) {
  return Wait([&](WriteDone done) { DeleteAsync(key, expected_mod_revision, std::move(done)); });
}

void KvStore::CreateAsync(const std::string& key, const std::string& value, LeaseId lease,
                          WriteDone done) {
  // Checked here too so an oversized value is refused before it is copied into the queue.
  if (Status valid = ValidateWrite(key, value); !valid.ok()) {
    return done(valid);
  }
  SubmitWrite(Op{.kind = Op::Kind::kCreate, .key = key, .value = value, .lease = lease},
              std::move(done));
}

void KvStore::UpdateAsync(const std::string& key, const std::string& value,
                          int64_t expected_mod_revision, LeaseId lease, WriteDone done) {
  if (Status valid = ValidateWrite(key, value); !valid.ok()) {
    return done(valid);
  }
  SubmitWrite(Op{.kind = Op::Kind::kUpdate,
                 .key = key,
                 .value = value,
                 .revision = expected_mod_revision,
                 .lease = lease},
              std::move(done));
}

void KvStore::DeleteAsync(const std::string& key, int64_t expected_mod_revision, WriteDone done) {
  SubmitWrite(Op{.kind = Op::Kind::kDelete, .key = key, .revision = expected_mod_revision},
              std::move(done));
}

Result<WatchPtr> KvStore::Watch(const std::string& key, bool prefix, int64_t from_revision,
                                std::shared_ptr<WatchSink> sink) {
  if (!prefix && key.empty()) {
    return Error(Code::kInvalidArgument, "the key is empty").WithReason("STORE_EMPTY_KEY");
  }
  if (from_revision < 0) {
    return Error(Code::kInvalidArgument, "revision {} is negative", from_revision);
  }
  if (from_revision == 0) {
    // "After the current revision" as readers see it: the index may be a batch ahead of the
    // hub, and a change the caller has already read must not come again.
    std::shared_lock lock(index_mu_);
    from_revision = index_.current() + 1;
  }
  return hub_->Watch(key, prefix, from_revision, std::move(sink));
}

Status KvStore::Compact(int64_t revision) {
  std::lock_guard lock(compact_mu_);
  OpResult result = Submit(Op{.kind = Op::Kind::kCompact, .revision = revision});
  if (result.status.ok() && result.changed) {
    TrimIndex();
  }
  return result.status;
}

Result<LeaseId> KvStore::GrantLease(std::chrono::seconds ttl) {
  OpResult result = Submit(Op{.kind = Op::Kind::kGrant, .ttl = ttl});
  if (!result.status.ok()) {
    return result.status;
  }
  return result.lease;
}

Status KvStore::KeepAlive(LeaseId lease) { return lessor_.KeepAlive(lease); }

Status KvStore::RevokeLease(LeaseId lease) {
  return Submit(Op{.kind = Op::Kind::kRevoke, .lease = lease}).status;
}

Result<int64_t> KvStore::CurrentRevision() {
  std::shared_lock lock(index_mu_);
  return index_.current();
}

Result<int64_t> KvStore::CompactedRevision() {
  std::shared_lock lock(index_mu_);
  return index_.compacted();
}

OpResult KvStore::Submit(Op op) {
  // Owned by the callback too: the committer may still be inside set_value when get returns.
  auto result = std::make_shared<std::promise<OpResult>>();
  std::future<OpResult> future = result->get_future();
  if (!queue_.Push(std::move(op), [result](OpResult done) { result->set_value(std::move(done)); })) {
    return OpResult{.status = Error(Code::kUnavailable, "the datastore is closed")};
  }
  return future.get();
}

void KvStore::SubmitWrite(Op op, WriteDone done) {
  // Shared so a refused push can still answer: Push drops its callback when it refuses.
  auto answer = std::make_shared<WriteDone>(std::move(done));
  bool queued = queue_.Push(std::move(op), [answer](OpResult result) {
    if (!result.status.ok()) {
      return (*answer)(std::move(result.status));
    }
    (*answer)(std::move(result.kv));
  });
  if (!queued) {
    (*answer)(Error(Code::kUnavailable, "the datastore is closed"));
  }
}

Result<KeyValue> KvStore::Wait(const std::function<void(WriteDone)>& write) {
  auto result = std::make_shared<std::promise<Result<KeyValue>>>();
  std::future<Result<KeyValue>> future = result->get_future();
  write([result](Result<KeyValue> done) { result->set_value(std::move(done)); });
  return future.get();
}

void KvStore::ExpireLeases(std::vector<LeaseId> leases) {
  // All queued at once so they share a commit. A revocation that fails (disk full) leaves the
  // lease expired in the table, and the next check tries again.
  std::vector<std::future<void>> pending;
  for (LeaseId lease : leases) {
    auto done = std::make_shared<std::promise<void>>();
    pending.push_back(done->get_future());
    if (!queue_.Push(Op{.kind = Op::Kind::kExpire, .lease = lease},
                     [done](OpResult) { done->set_value(); })) {
      pending.pop_back();
    }
  }
  for (std::future<void>& result : pending) {
    result.wait();
  }
}

void KvStore::TrimIndex() {
  std::string cursor;
  bool done = false;
  while (!done) {
    std::unique_lock lock(index_mu_);
    done = index_.TrimStep(&cursor, kTrimKeysPerStep);
  }
}

Result<BackendPtr> NewKvStore(LogPtr log, KvStoreOptions options) {
  Snapshot snapshot;
  if (log != nullptr) {
    MINI_ASSIGN_OR_RETURN(snapshot, log->Load());
  }
  MINI_ASSIGN_OR_RETURN(LoadedState state, LoadSnapshot(std::move(snapshot)));
  return BackendPtr(std::make_unique<KvStore>(std::move(log), options, std::move(state)));
}

}  // namespace mini::store::mvcc
