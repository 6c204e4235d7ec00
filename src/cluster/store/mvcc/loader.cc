#include "cluster/store/mvcc/loader.h"

#include <algorithm>
#include <map>
#include <optional>

namespace mini::store::mvcc {
namespace {

Status Inconsistent(const std::string& what) {
  return Error(Code::kFailedPrecondition, "the datastore log is inconsistent: {}", what)
      .WithReason("STORE_LOG_INCONSISTENT");
}

Status CheckSnapshot(const Snapshot& snapshot) {
  if (snapshot.compacted_revision < 0 || snapshot.current_revision < 0 ||
      snapshot.compacted_revision > snapshot.current_revision) {
    return Inconsistent(fmt::format("compaction point {} with current revision {}",
                                    snapshot.compacted_revision, snapshot.current_revision));
  }
  int64_t previous = 0;
  for (const Record& record : snapshot.records) {
    if (record.revision <= previous || record.revision > snapshot.current_revision) {
      return Inconsistent(fmt::format("record at revision {} after revision {} (current {})",
                                      record.revision, previous, snapshot.current_revision));
    }
    if (record.key.empty()) {
      return Inconsistent(fmt::format("record at revision {} has an empty key", record.revision));
    }
    previous = record.revision;
  }
  return Status::Ok();
}

}  // namespace

Result<LoadedState> LoadSnapshot(Snapshot snapshot) {
  MINI_RETURN_IF_ERROR(CheckSnapshot(snapshot));
  LoadedState state{.index = Index(snapshot.current_revision, snapshot.compacted_revision)};
  // The newest live version of each key so far: the prev_kv of the key's next change.
  std::map<std::string, Version> live;
  for (const Record& record : snapshot.records) {
    Version version = FromRecord(record);
    auto it = live.find(record.key);
    std::optional<Version> prev;
    if (it != live.end()) {
      prev = it->second;
    }
    if (record.revision > snapshot.compacted_revision) {
      state.history.push_back(Change{record.key, version, std::move(prev)});
    }
    if (version.deleted) {
      live.erase(record.key);
    } else {
      live.insert_or_assign(record.key, version);
    }
    state.index.Apply(record.key, std::move(version));
  }
  state.index.AdvanceTo(snapshot.current_revision);
  for (const auto& [key, version] : live) {
    if (version.lease != 0) {
      state.attachments.emplace_back(version.lease, key);
    }
  }
  LeaseId max_lease = snapshot.max_lease_id;
  for (const LeaseRecord& lease : snapshot.leases) {
    max_lease = std::max(max_lease, lease.id);
  }
  state.next_lease = max_lease + 1;
  state.leases = std::move(snapshot.leases);
  return state;
}

}  // namespace mini::store::mvcc
