// An in-memory Log for tests: keeps every appended batch in a LogState that outlives the log,
// so a test can "reopen" a store over the same state, inspect what was persisted, and make
// Append, Compact or Load fail on demand.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cluster/store/mvcc/log.h"

namespace mini::store::mvcc::testing {

struct LogState {
  std::mutex mu;
  std::vector<Batch> batches;
  int64_t compacted = 0;
  Status fail_append;                         // Append fails with this while it is not OK
  Status fail_compact;                        // likewise Compact
  Status fail_load;                           // likewise Load
  std::chrono::milliseconds append_delay{0};  // stands in for fsync

  std::vector<Record> AllRecords() {
    std::lock_guard lock(mu);
    std::vector<Record> records;
    for (const Batch& batch : batches) {
      records.insert(records.end(), batch.records.begin(), batch.records.end());
    }
    return records;
  }
};

class FakeLog : public Log {
 public:
  explicit FakeLog(std::shared_ptr<LogState> state) : state_(std::move(state)) {}

  Result<Snapshot> Load() override {
    std::lock_guard lock(state_->mu);
    if (!state_->fail_load.ok()) {
      return state_->fail_load;
    }
    Snapshot snapshot;
    snapshot.compacted_revision = state_->compacted;
    snapshot.current_revision = state_->compacted;
    std::map<std::string, Record> at_compaction;  // newest record at or below the point
    std::map<LeaseId, LeaseRecord> leases;
    for (const Batch& batch : state_->batches) {
      for (const Record& record : batch.records) {
        snapshot.current_revision = std::max(snapshot.current_revision, record.revision);
        if (record.revision <= state_->compacted) {
          at_compaction[record.key] = record;
        } else {
          snapshot.records.push_back(record);
        }
      }
      for (const LeaseRecord& lease : batch.granted) {
        leases[lease.id] = lease;
        snapshot.max_lease_id = std::max(snapshot.max_lease_id, lease.id);
      }
      for (LeaseId id : batch.revoked) {
        leases.erase(id);
      }
    }
    std::vector<Record> kept;
    for (const auto& [key, record] : at_compaction) {
      if (!record.deleted) {
        kept.push_back(record);
      }
    }
    std::sort(kept.begin(), kept.end(),
              [](const Record& a, const Record& b) { return a.revision < b.revision; });
    snapshot.records.insert(snapshot.records.begin(), kept.begin(), kept.end());
    for (const auto& [id, lease] : leases) {
      snapshot.leases.push_back(lease);
    }
    return snapshot;
  }

  Status Append(const Batch& batch) override {
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(state_->mu);
      if (!state_->fail_append.ok()) {
        return state_->fail_append;
      }
      delay = state_->append_delay;
    }
    std::this_thread::sleep_for(delay);
    std::lock_guard lock(state_->mu);
    state_->batches.push_back(batch);
    return Status::Ok();
  }

  Status Compact(int64_t revision) override {
    std::lock_guard lock(state_->mu);
    if (!state_->fail_compact.ok()) {
      return state_->fail_compact;
    }
    state_->compacted = revision;
    return Status::Ok();
  }

 private:
  std::shared_ptr<LogState> state_;
};

inline LogPtr NewFakeLog(std::shared_ptr<LogState> state) {
  return std::make_unique<FakeLog>(std::move(state));
}

}  // namespace mini::store::mvcc::testing
