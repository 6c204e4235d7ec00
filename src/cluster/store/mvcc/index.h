// The multi-version index: every key's chain of versions since the compaction point, which
// answers Get and Range at any revision that has not been compacted away.
//
// Not thread-safe: KvStore guards it with a shared mutex (readers shared, the committer and
// compaction exclusive).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/version.h"

namespace mini::store::mvcc {

class Index {
 public:
  Index() = default;
  /// A loaded index: revisions up to `current` exist, those below `compacted` are gone.
  Index(int64_t current, int64_t compacted) : current_(current), compacted_(compacted) {}

  int64_t current() const { return current_; }
  int64_t compacted() const { return compacted_; }

  /// The revision a read of `revision` (0: current) is served at, or kOutOfRange with
  /// kReasonCompacted / kReasonFutureRevision, or kInvalidArgument when negative.
  Result<int64_t> Resolve(int64_t revision) const;

  /// The key's newest version if it is live, else nullptr.
  const Version* Latest(const std::string& key) const;

  Result<KeyValue> Get(const std::string& key, int64_t revision) const;
  /// Validates the request (empty single key, negative limit, start_key outside the range are
  /// kInvalidArgument) and reads it at one revision.
  Result<RangeResult> Range(const RangeRequest& request) const;

  /// Appends a change; `version.revision` must exceed every revision applied before.
  void Apply(const std::string& key, Version version);
  /// Raises the current revision without a change (a loaded log whose newest records were
  /// compacted away).
  void AdvanceTo(int64_t revision);

  /// Moves the compaction point; reads below it fail from now on. The superseded versions
  /// stay until TrimStep removes them, which is safe because reads never look below the
  /// newest version at or before the revision they read.
  void SetCompacted(int64_t revision);
  /// Drops the versions no read can see any more from up to `max_keys` keys, starting at
  /// `*cursor` (empty: the first key) and leaving it where the next step starts. Returns
  /// true when the last key was done.
  bool TrimStep(std::string* cursor, size_t max_keys);

  size_t KeyCount() const { return keys_.size(); }
  /// Versions kept for `key`, live or not (for tests of compaction).
  size_t VersionCount(const std::string& key) const;

 private:
  using Chain = std::vector<Version>;  // ascending revisions
  static const Version* VisibleAt(const Chain& chain, int64_t revision);
  void Trim(Chain& chain) const;

  std::map<std::string, Chain> keys_;
  int64_t current_ = 0;
  int64_t compacted_ = 0;
};

}  // namespace mini::store::mvcc
