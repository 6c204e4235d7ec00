// The etcd backend's class, split over etcd_backend.cc (keys) and revisions.cc (watches,
// compaction, leases). Internal to this folder.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "cluster/store/backend.h"
#include "cluster/store/etcd/codec.h"
#include "cluster/store/etcd/transport.h"

namespace mini::store::etcd {

class EtcdBackend final : public Backend {
 public:
  EtcdBackend(std::shared_ptr<Transport> transport, std::string key_prefix)
      : transport_(std::move(transport)), prefix_(std::move(key_prefix)) {}

  Result<KeyValue> Get(const std::string& key, int64_t revision) override;
  Result<RangeResult> Range(const RangeRequest& request) override;
  Result<KeyValue> Create(const std::string& key, const std::string& value, LeaseId lease) override;
  Result<KeyValue> Update(const std::string& key, const std::string& value,
                          int64_t expected_mod_revision, LeaseId lease) override;
  Result<KeyValue> Delete(const std::string& key, int64_t expected_mod_revision) override;

  Result<WatchPtr> Watch(const std::string& key, bool prefix, int64_t from_revision,
                         std::shared_ptr<WatchSink> sink) override;
  Status Compact(int64_t revision) override;
  Result<LeaseId> GrantLease(std::chrono::seconds ttl) override;
  Status KeepAlive(LeaseId lease) override;
  Status RevokeLease(LeaseId lease) override;
  Result<int64_t> CurrentRevision() override;
  Result<int64_t> CompactedRevision() override;

 private:
  /// POSTs `request` and decodes the answer, mapping etcd's errors.
  Result<json::object> Call(const std::string& path, const json::object& request, Replay replay);
  /// [key, range_end) covering every key under prefix_ + key, in etcd's encoding of bounds.
  std::pair<std::string, std::string> PrefixRange(const std::string& key) const;
  Result<json::object> RangeBody(const RangeRequest& request) const;
  /// A txn applying `request` if `full` exists with mod_revision `expected`, else reading it.
  Result<json::object> Swap(const std::string& full, int64_t expected, json::object request);
  Status SwapFailure(const std::string& key, int64_t expected, const json::object& txn) const;
  /// Whether reads at `revision` still work (false: compacted away).
  Result<bool> Readable(int64_t revision);

  std::shared_ptr<Transport> transport_;
  std::string prefix_;
};

}  // namespace mini::store::etcd
