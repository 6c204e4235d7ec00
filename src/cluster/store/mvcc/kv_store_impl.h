// KvStore: the Backend that NewKvStore returns.
//
// Threads: callers read the index under a shared lock and never touch the log; one committer
// thread owns every change (group commit: validate a batch, append it to the log once, then
// apply it to the index under the exclusive lock and publish it to the watch hub, then answer
// the batch's writers); the hub's delivery threads call sinks; the lessor's timer revokes
// expired leases through the committer. Lock order: index_mu_, then the lessor's mutex; the
// hub's mutex is never held together with either.
#pragma once

#include <memory>
#include <shared_mutex>
#include <thread>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/index.h"
#include "cluster/store/mvcc/kv_store.h"
#include "cluster/store/mvcc/lessor.h"
#include "cluster/store/mvcc/loader.h"
#include "cluster/store/mvcc/log.h"
#include "cluster/store/mvcc/op_queue.h"
#include "cluster/store/mvcc/planner.h"
#include "cluster/store/mvcc/watch_hub.h"

namespace mini::store::mvcc {

class KvStore final : public Backend {
 public:
  KvStore(LogPtr log, KvStoreOptions options, LoadedState state);
  /// Finishes the writes already queued, then stops; live watches end without another call.
  /// Not from inside a sink: it joins the delivery threads.
  ~KvStore() override;
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  Result<KeyValue> Get(const std::string& key, int64_t revision) override;
  Result<RangeResult> Range(const RangeRequest& request) override;
  Result<KeyValue> Create(const std::string& key, const std::string& value, LeaseId lease) override;
  Result<KeyValue> Update(const std::string& key, const std::string& value,
                          int64_t expected_mod_revision, LeaseId lease) override;
  Result<KeyValue> Delete(const std::string& key, int64_t expected_mod_revision) override;
  void CreateAsync(const std::string& key, const std::string& value, LeaseId lease,
                   WriteDone done) override;
  void UpdateAsync(const std::string& key, const std::string& value, int64_t expected_mod_revision,
                   LeaseId lease, WriteDone done) override;
  void DeleteAsync(const std::string& key, int64_t expected_mod_revision, WriteDone done) override;
  Result<WatchPtr> Watch(const std::string& key, bool prefix, int64_t from_revision,
                         std::shared_ptr<WatchSink> sink) override;
  Status Compact(int64_t revision) override;
  Result<LeaseId> GrantLease(std::chrono::seconds ttl) override;
  Status KeepAlive(LeaseId lease) override;
  Status RevokeLease(LeaseId lease) override;
  Result<int64_t> CurrentRevision() override;
  Result<int64_t> CompactedRevision() override;

 private:
  // Writers' side.
  OpResult Submit(Op op);
  void SubmitWrite(Op op, WriteDone done);
  Result<KeyValue> Wait(const std::function<void(WriteDone)>& write);
  void ExpireLeases(std::vector<LeaseId> leases);
  void TrimIndex();

  // Committer thread (committer.cc).
  void CommitLoop();
  void CommitBatch(std::vector<PendingOp>& ops);
  Status Persist(const Planner& planner);
  void Apply(Planner& planner);
  OpResult CompactNow(int64_t revision);

  const LogPtr log_;
  const KvStoreOptions options_;
  mutable std::shared_mutex index_mu_;
  Index index_;
  Lessor lessor_;
  std::shared_ptr<WatchHub> hub_;
  OpQueue queue_;
  LeaseId next_lease_;     // committer thread only
  std::mutex compact_mu_;  // one compaction, trimming included, at a time
  std::thread committer_;
};

}  // namespace mini::store::mvcc
