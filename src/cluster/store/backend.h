// The datastore contract, with etcd's semantics because Kubernetes' are defined on them.
//
// One global revision counts every change; each key carries the revision that created it, the
// revision that last changed it and how many times it changed since creation. Writes to one key
// are compare-and-swap on its mod_revision. Watches deliver every change after a revision, in
// revision order, exactly once. History older than the compaction point is gone.
//
// Every method is thread-safe and may block (on disk or network). Keys are arbitrary non-empty
// byte strings compared bytewise; values are byte strings of at most kMaxValueBytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::store {

/// etcd's default request limit; larger values are refused with kResourceExhausted.
inline constexpr size_t kMaxValueBytes = 1536 * 1024;

/// Status reasons that tell apart the kOutOfRange failures of reads and watches.
inline constexpr char kReasonCompacted[] = "STORE_COMPACTED";  // revision < compaction point
inline constexpr char kReasonFutureRevision[] = "STORE_FUTURE_REVISION";  // revision > current

using LeaseId = int64_t;  // 0: no lease

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;  // 1 on creation, +1 per update
  LeaseId lease = 0;

  bool operator==(const KeyValue&) const = default;
};

struct RangeRequest {
  /// With `prefix`, every key starting with `key` (an empty `key` means all keys); otherwise the
  /// one key `key`.
  std::string key;
  bool prefix = false;
  /// Pagination: start at this key (inclusive) instead of the first key. Must lie within the
  /// prefix (kInvalidArgument otherwise). Used with the revision of the first page to keep
  /// pages consistent; the next page starts at the last key returned plus a 0x00 byte.
  std::string start_key;
  /// Read the state as of this revision; 0 means the current revision. kOutOfRange
  /// (kReasonCompacted) if compacted away, (kReasonFutureRevision) if not reached yet.
  int64_t revision = 0;
  /// At most this many keys; 0 means no limit.
  int64_t limit = 0;
  /// Only count; `kvs` stays empty.
  bool count_only = false;
};

struct RangeResult {
  std::vector<KeyValue> kvs;  // sorted by key
  int64_t revision = 0;       // the revision the range was read at
  int64_t count = 0;          // keys in [start_key, end of prefix) at that revision, ignoring limit
  bool more = false;          // count > kvs.size(); always false with count_only
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  /// For kPut the new key-value; for kDelete the key with mod_revision = the deleting revision
  /// and an empty value.
  KeyValue kv;
  /// The value before this change: set for updates and deletes, unset for creations.
  std::optional<KeyValue> prev_kv;

  bool operator==(const Event&) const = default;
};

/// Receives one watch's events. Called from a store thread, never concurrently for one watch:
/// implementations must return quickly (queue or post the work), not block.
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  /// A batch of events in revision order, each delivered exactly once.
  virtual void OnEvents(std::vector<Event> events) = 0;
  /// The watch ended: kOutOfRange/kReasonCompacted when its start revision was compacted,
  /// kUnavailable when the backend lost its peer and could not resume. No call follows.
  virtual void OnError(Status status) = 0;
};

/// A running watch; destroying it (or Cancel) stops deliveries. After Cancel returns, the sink
/// is not called again.
class Watch {
 public:
  virtual ~Watch() = default;
  virtual void Cancel() = 0;
};
using WatchPtr = std::unique_ptr<Watch>;

class Backend {
 public:
  virtual ~Backend() = default;

  /// kNotFound when absent (at `revision`, 0 = current).
  virtual Result<KeyValue> Get(const std::string& key, int64_t revision = 0) = 0;
  virtual Result<RangeResult> Range(const RangeRequest& request) = 0;

  /// Creates `key`; kAlreadyExists when present. Returns the stored key-value.
  virtual Result<KeyValue> Create(const std::string& key, const std::string& value,
                                  LeaseId lease = 0) = 0;
  /// Replaces `key` if its mod_revision is `expected_mod_revision`: kNotFound when absent,
  /// kConflict when it changed since. Returns the stored key-value.
  virtual Result<KeyValue> Update(const std::string& key, const std::string& value,
                                  int64_t expected_mod_revision, LeaseId lease = 0) = 0;
  /// Deletes `key` if its mod_revision is `expected_mod_revision` (0: whatever it is):
  /// kNotFound when absent, kConflict when it changed. Returns the deleted key-value, with
  /// mod_revision the deleting revision.
  virtual Result<KeyValue> Delete(const std::string& key, int64_t expected_mod_revision = 0) = 0;

  /// The same three writes, completing through `done` instead of blocking the caller, so a
  /// server thread can serve other requests while a write waits for its commit. `done` is
  /// called exactly once, on the caller's thread or on one of the backend's own threads: it
  /// must return quickly and must not call the backend's blocking methods (hand the rest of
  /// the work to another thread). The defaults block and then call `done`; a backend that
  /// group-commits overrides them.
  using WriteDone = std::function<void(Result<KeyValue>)>;
  virtual void CreateAsync(const std::string& key, const std::string& value, LeaseId lease,
                           WriteDone done) {
    done(Create(key, value, lease));
  }
  virtual void UpdateAsync(const std::string& key, const std::string& value,
                           int64_t expected_mod_revision, LeaseId lease, WriteDone done) {
    done(Update(key, value, expected_mod_revision, lease));
  }
  virtual void DeleteAsync(const std::string& key, int64_t expected_mod_revision, WriteDone done) {
    done(Delete(key, expected_mod_revision));
  }

  /// Watches `key` (or, with `prefix`, every key under it) for changes at revisions >=
  /// `from_revision` (0: changes after the current revision). kOutOfRange/kReasonCompacted
  /// when `from_revision` is older than the compaction point. A watch from exactly the
  /// compaction point is backend-specific (etcd serves it; the embedded store refuses it, as
  /// the change made at that revision lost its prev_kv to compaction), so a caller that read
  /// at revision R resumes from R + 1, which works for every R at or above the compaction
  /// point.
  virtual Result<WatchPtr> Watch(const std::string& key, bool prefix, int64_t from_revision,
                                 std::shared_ptr<WatchSink> sink) = 0;

  /// Discards history before `revision`: reads and watches below it fail with kReasonCompacted.
  /// kOutOfRange/kReasonFutureRevision beyond the current revision. Returns once the compaction
  /// point is set; space may be reclaimed in the background.
  virtual Status Compact(int64_t revision) = 0;

  /// A lease that expires `ttl` after its grant or last KeepAlive (at least 1 s, else
  /// kInvalidArgument); keys written with it are deleted when it expires or is revoked, with
  /// a delete event each. Writing a key with an unknown lease is kNotFound.
  virtual Result<LeaseId> GrantLease(std::chrono::seconds ttl) = 0;
  /// Restarts the lease's TTL; kNotFound when it expired or never existed.
  virtual Status KeepAlive(LeaseId lease) = 0;
  /// Deletes the lease and its keys; kNotFound when unknown.
  virtual Status RevokeLease(LeaseId lease) = 0;

  virtual Result<int64_t> CurrentRevision() = 0;
  virtual Result<int64_t> CompactedRevision() = 0;
};
using BackendPtr = std::unique_ptr<Backend>;

/// The first key after every key that starts with `prefix` (etcd's range_end for a prefix);
/// empty when there is none (the prefix is empty or all 0xff bytes).
std::string PrefixEnd(const std::string& prefix);

/// Shared argument checks: kInvalidArgument for an empty key, kResourceExhausted naming the
/// limit for a value over kMaxValueBytes.
Status ValidateWrite(const std::string& key, const std::string& value);

}  // namespace mini::store
