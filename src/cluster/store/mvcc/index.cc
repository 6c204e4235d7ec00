#include "cluster/store/mvcc/index.h"

#include <algorithm>

namespace mini::store::mvcc {
namespace {

// The end of the keys a request covers: the prefix end, or for one key the smallest key
// after it. Empty means unbounded.
std::string RangeEnd(const RangeRequest& request) {
  if (request.prefix) {
    return PrefixEnd(request.key);
  }
  std::string end = request.key;
  end.push_back('\0');
  return end;
}

Status CheckRange(const RangeRequest& request, const std::string& end) {
  if (!request.prefix && request.key.empty()) {
    return Error(Code::kInvalidArgument, "the key is empty").WithReason("STORE_EMPTY_KEY");
  }
  if (request.limit < 0) {
    return Error(Code::kInvalidArgument, "the limit {} is negative", request.limit);
  }
  const std::string& start = request.start_key;
  if (!start.empty() && (start < request.key || (!end.empty() && start >= end))) {
    return Error(Code::kInvalidArgument, "start key {} lies outside the range of {}",
                 PrintableKey(start), PrintableKey(request.key));
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> Index::Resolve(int64_t revision) const {
  if (revision < 0) {
    return Error(Code::kInvalidArgument, "revision {} is negative", revision);
  }
  if (revision == 0) {
    return current_;
  }
  if (revision > current_) {
    return Error(Code::kOutOfRange, "revision {} is newer than the current revision {}", revision,
                 current_)
        .WithReason(kReasonFutureRevision);
  }
  if (revision < compacted_) {
    return Error(Code::kOutOfRange, "revision {} has been compacted (compaction point {})",
                 revision, compacted_)
        .WithReason(kReasonCompacted);
  }
  return revision;
}

const Version* Index::VisibleAt(const Chain& chain, int64_t revision) {
  // The newest version at or before `revision`; a tombstone means the key was absent.
  auto after = std::upper_bound(chain.begin(), chain.end(), revision,
                                [](int64_t rev, const Version& v) { return rev < v.revision; });
  if (after == chain.begin()) {
    return nullptr;
  }
  const Version& found = *std::prev(after);
  return found.deleted ? nullptr : &found;
}

const Version* Index::Latest(const std::string& key) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.back().deleted) {
    return nullptr;
  }
  return &it->second.back();
}

Result<KeyValue> Index::Get(const std::string& key, int64_t revision) const {
  if (key.empty()) {
    return Error(Code::kInvalidArgument, "the key is empty").WithReason("STORE_EMPTY_KEY");
  }
  MINI_ASSIGN_OR_RETURN(int64_t at, Resolve(revision));
  auto it = keys_.find(key);
  const Version* found = it == keys_.end() ? nullptr : VisibleAt(it->second, at);
  if (found == nullptr) {
    return Error(Code::kNotFound, "key {} not found at revision {}", PrintableKey(key), at);
  }
  return ToKeyValue(key, *found);
}

Result<RangeResult> Index::Range(const RangeRequest& request) const {
  const std::string end = RangeEnd(request);
  MINI_RETURN_IF_ERROR(CheckRange(request, end));
  RangeResult result;
  MINI_ASSIGN_OR_RETURN(result.revision, Resolve(request.revision));
  const std::string& begin = request.start_key.empty() ? request.key : request.start_key;
  const auto limit = static_cast<size_t>(request.limit);
  // Counting needs every key of the range anyway, so one pass both counts and collects.
  for (auto it = keys_.lower_bound(begin); it != keys_.end(); ++it) {
    if (!end.empty() && it->first >= end) {
      break;
    }
    const Version* visible = VisibleAt(it->second, result.revision);
    if (visible == nullptr) {
      continue;
    }
    ++result.count;
    if (!request.count_only && (limit == 0 || result.kvs.size() < limit)) {
      result.kvs.push_back(ToKeyValue(it->first, *visible));
    }
  }
  result.more = !request.count_only && result.count > static_cast<int64_t>(result.kvs.size());
  return result;
}

void Index::Apply(const std::string& key, Version version) {
  current_ = std::max(current_, version.revision);
  keys_[key].push_back(std::move(version));
}

void Index::AdvanceTo(int64_t revision) { current_ = std::max(current_, revision); }

void Index::SetCompacted(int64_t revision) { compacted_ = std::max(compacted_, revision); }

void Index::Trim(Chain& chain) const {
  // Keep the newest version at or before the compaction point (reads at that point need it)
  // unless it is a tombstone, and everything after it.
  auto after = std::upper_bound(chain.begin(), chain.end(), compacted_,
                                [](int64_t rev, const Version& v) { return rev < v.revision; });
  if (after == chain.begin()) {
    return;
  }
  auto keep = std::prev(after);
  if (keep->deleted) {
    keep = after;
  }
  chain.erase(chain.begin(), keep);
}

bool Index::TrimStep(std::string* cursor, size_t max_keys) {
  auto it = keys_.lower_bound(*cursor);
  for (size_t done = 0; it != keys_.end() && done < max_keys; ++done) {
    Trim(it->second);
    it = it->second.empty() ? keys_.erase(it) : std::next(it);
  }
  if (it == keys_.end()) {
    cursor->clear();
    return true;
  }
  *cursor = it->first;
  return false;
}

size_t Index::VersionCount(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? 0 : it->second.size();
}

}  // namespace mini::store::mvcc
