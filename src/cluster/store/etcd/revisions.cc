// Revisions, watches, compaction and leases.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <string>

#include "cluster/store/etcd/etcd_backend_impl.h"
#include "cluster/store/etcd/watch.h"

namespace mini::store::etcd {

Result<int64_t> EtcdBackend::CurrentRevision() {
  // Any read's header carries the revision; counting one key is the cheapest read.
  json::object range{{"key", Base64Encode(prefix_ + '\0')}, {"count_only", true}};
  MINI_ASSIGN_OR_RETURN(json::object reply, Call("/v3/kv/range", range, Replay::kSafe));
  return IntField(ObjectField(reply, "header"), "revision");
}

Result<bool> EtcdBackend::Readable(int64_t revision) {
  json::object range{
      {"key", Base64Encode(prefix_ + '\0')}, {"count_only", true}, {"revision", revision}};
  Result<json::object> reply = Call("/v3/kv/range", range, Replay::kSafe);
  if (reply.ok() || reply.status().reason() == kReasonFutureRevision) {
    return true;
  }
  if (reply.status().reason() == kReasonCompacted) {
    return false;
  }
  return reply.status();
}

// etcd 3.4 publishes its compaction point nowhere (neither /v3/maintenance/status nor a
// header); a watch from revision 1 learns it, but only when compacted and only after etcd's
// 100 ms sync loop. Reads fail exactly below the point, so a binary search over revisions finds
// it with about log2(current revision) small reads.
Result<int64_t> EtcdBackend::CompactedRevision() {
  for (int attempt = 0; attempt < 3; ++attempt) {
    MINI_ASSIGN_OR_RETURN(int64_t current, CurrentRevision());
    MINI_ASSIGN_OR_RETURN(bool all_readable, Readable(1));
    if (all_readable) {
      return 0;
    }
    MINI_ASSIGN_OR_RETURN(bool current_readable, Readable(current));
    if (!current_readable) {
      continue;  // compacted past the revision we just read: start over
    }
    int64_t unreadable = 1;
    int64_t readable = current;
    while (readable - unreadable > 1) {
      int64_t middle = unreadable + (readable - unreadable) / 2;
      MINI_ASSIGN_OR_RETURN(bool ok, Readable(middle));
      (ok ? readable : unreadable) = middle;
    }
    return readable;
  }
  return Error(Code::kUnavailable, "etcd's compaction point kept moving while it was looked up");
}

Result<WatchPtr> EtcdBackend::Watch(const std::string& key, bool prefix, int64_t from_revision,
                                    std::shared_ptr<WatchSink> sink) {
  if (from_revision <= 0) {
    // A concrete start revision makes resuming a broken stream exact.
    MINI_ASSIGN_OR_RETURN(int64_t current, CurrentRevision());
    from_revision = current + 1;
  } else {
    // etcd would report a compacted start only later, on the stream; say it now.
    MINI_ASSIGN_OR_RETURN(bool readable, Readable(from_revision));
    if (!readable) {
      return Error(Code::kOutOfRange, "cannot watch from revision {}: it has been compacted",
                   from_revision)
          .WithReason(kReasonCompacted);
    }
  }
  if (key.empty() && !prefix) {
    return ValidateWrite(key, "");
  }
  WatchTarget target{prefix_ + key, "", prefix_};
  if (prefix) {
    std::tie(target.key, target.range_end) = PrefixRange(key);
  }
  return StartWatch(transport_, std::move(target), from_revision, std::move(sink));
}

Status EtcdBackend::Compact(int64_t revision) {
  // Not physical: etcd answers once the compaction point is set, and reclaims in the background.
  Status status =
      Call("/v3/kv/compaction", json::object{{"revision", revision}}, Replay::kUnsafe).status();
  // etcd refuses a point at or below its own; the contract calls that nothing to do.
  return status.reason() == kReasonCompacted ? Status::Ok() : status;
}

Result<LeaseId> EtcdBackend::GrantLease(std::chrono::seconds ttl) {
  json::object grant{{"TTL", std::max<int64_t>(ttl.count(), 1)}};
  MINI_ASSIGN_OR_RETURN(json::object reply, Call("/v3/lease/grant", grant, Replay::kUnsafe));
  return IntField(reply, "ID");
}

Status EtcdBackend::KeepAlive(LeaseId lease) {
  // A streaming call: one request in, one message out, and the gateway ends the stream.
  std::string body = json::serialize(json::object{{"ID", lease}});
  MINI_ASSIGN_OR_RETURN(Reply reply, transport_->Post("/v3/lease/keepalive", body, Replay::kSafe));
  if (reply.http_status / 100 != 2) {
    return DecodeReply(reply).status();
  }
  MINI_ASSIGN_OR_RETURN(json::object result,
                        DecodeStreamMessage(reply.body.substr(0, reply.body.find('\n'))));
  if (IntField(result, "TTL") <= 0) {
    return Error(Code::kNotFound, "lease {} not found: it expired or was revoked", lease);
  }
  return Status::Ok();
}

Status EtcdBackend::RevokeLease(LeaseId lease) {
  return Call("/v3/lease/revoke", json::object{{"ID", lease}}, Replay::kUnsafe).status();
}

}  // namespace mini::store::etcd
