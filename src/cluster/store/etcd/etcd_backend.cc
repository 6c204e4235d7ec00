// Keys: reads, and writes as etcd transactions that compare before they put or delete.
#include "cluster/store/etcd/etcd_backend.h"

#include <boost/json/serialize.hpp>
#include <utility>

#include "cluster/store/etcd/etcd_backend_impl.h"

namespace mini::store::etcd {
namespace {

int64_t HeaderRevision(const json::object& reply) {
  return IntField(ObjectField(reply, "header"), "revision");
}

// A txn compare on one key; `target` (VERSION, CREATE or MOD) names the field compared.
json::object Compare(const std::string& key, std::string_view target, std::string_view result,
                     int64_t operand) {
  std::string_view field = target == "VERSION"  ? "version"
                           : target == "CREATE" ? "create_revision"
                                                : "mod_revision";
  return json::object{
      {"key", Base64Encode(key)}, {"target", target}, {"result", result}, {field, operand}};
}

json::object PutOp(const std::string& key, const std::string& value, LeaseId lease) {
  json::object put{{"key", Base64Encode(key)}, {"value", Base64Encode(value)}, {"prev_kv", true}};
  if (lease != 0) {
    put["lease"] = lease;
  }
  return json::object{{"request_put", std::move(put)}};
}

json::object KeyBody(const std::string& key, bool prev_kv) {
  json::object body{{"key", Base64Encode(key)}};
  if (prev_kv) {
    body["prev_kv"] = true;
  }
  return body;
}

// The one response of a txn branch: responses[0].<name>.
const json::object& FirstResponse(const json::object& txn, std::string_view name) {
  static const json::object kEmpty;
  const json::array& responses = ArrayField(txn, "responses");
  return responses.empty() || !responses[0].is_object()
             ? kEmpty
             : ObjectField(responses[0].get_object(), name);
}

Status NotFound(const std::string& key) { return Error(Code::kNotFound, "key {} not found", key); }

}  // namespace

Result<json::object> EtcdBackend::Call(const std::string& path, const json::object& request,
                                       Replay replay) {
  MINI_ASSIGN_OR_RETURN(Reply reply, transport_->Post(path, json::serialize(request), replay));
  return DecodeReply(reply);
}

std::pair<std::string, std::string> EtcdBackend::PrefixRange(const std::string& key) const {
  std::string begin = prefix_ + key;
  std::string end = PrefixEnd(begin);
  // etcd reads "\0" as the smallest key, and as "no upper bound" for a range_end.
  return {begin.empty() ? std::string(1, '\0') : begin, end.empty() ? std::string(1, '\0') : end};
}

Result<KeyValue> EtcdBackend::Get(const std::string& key, int64_t revision) {
  MINI_ASSIGN_OR_RETURN(RangeResult result, Range(RangeRequest{.key = key, .revision = revision}));
  if (result.kvs.empty()) {
    return NotFound(key);
  }
  return std::move(result.kvs.front());
}

Result<json::object> EtcdBackend::RangeBody(const RangeRequest& request) const {
  json::object range;
  if (request.prefix) {
    auto [begin, end] = PrefixRange(request.key);
    if (!request.start_key.empty()) {
      if (!request.start_key.starts_with(request.key)) {
        return Error(Code::kInvalidArgument, "start key {} is not under the prefix {}",
                     request.start_key, request.key);
      }
      begin = prefix_ + request.start_key;
    }
    range = json::object{{"key", Base64Encode(begin)}, {"range_end", Base64Encode(end)}};
  } else if (request.key.empty()) {
    return ValidateWrite(request.key, "");  // the empty-key error every backend gives
  } else {
    range = json::object{{"key", Base64Encode(prefix_ + request.key)}};
  }
  if (request.revision != 0) range["revision"] = request.revision;
  if (request.limit != 0) range["limit"] = request.limit;
  if (request.count_only) range["count_only"] = true;
  return range;
}

Result<RangeResult> EtcdBackend::Range(const RangeRequest& request) {
  MINI_ASSIGN_OR_RETURN(json::object body, RangeBody(request));
  MINI_ASSIGN_OR_RETURN(json::object reply, Call("/v3/kv/range", body, Replay::kSafe));
  RangeResult result;
  for (const json::value& item : ArrayField(reply, "kvs")) {
    MINI_ASSIGN_OR_RETURN(KeyValue kv, DecodeKeyValue(item, prefix_));
    result.kvs.push_back(std::move(kv));
  }
  // The header carries the current revision, not the one read at.
  result.revision = request.revision != 0 ? request.revision : HeaderRevision(reply);
  result.count = IntField(reply, "count");
  result.more = !request.count_only && result.count > static_cast<int64_t>(result.kvs.size());
  return result;
}

Result<KeyValue> EtcdBackend::Create(const std::string& key, const std::string& value,
                                     LeaseId lease) {
  MINI_RETURN_IF_ERROR(ValidateWrite(key, value));
  const std::string full = prefix_ + key;
  json::object txn{{"compare", json::array{Compare(full, "CREATE", "EQUAL", 0)}},
                   {"success", json::array{PutOp(full, value, lease)}}};
  MINI_ASSIGN_OR_RETURN(json::object reply, Call("/v3/kv/txn", txn, Replay::kUnsafe));
  if (!BoolField(reply, "succeeded")) {
    return Error(Code::kAlreadyExists, "key {} already exists", key);
  }
  int64_t revision = HeaderRevision(reply);
  return KeyValue{key, value, revision, revision, 1, lease};
}

Result<KeyValue> EtcdBackend::Update(const std::string& key, const std::string& value,
                                     int64_t expected_mod_revision, LeaseId lease) {
  MINI_RETURN_IF_ERROR(ValidateWrite(key, value));
  const std::string full = prefix_ + key;
  MINI_ASSIGN_OR_RETURN(json::object txn,
                        Swap(full, expected_mod_revision, PutOp(full, value, lease)));
  if (!BoolField(txn, "succeeded")) {
    return SwapFailure(key, expected_mod_revision, txn);
  }
  const json::object& put = FirstResponse(txn, "response_put");
  MINI_ASSIGN_OR_RETURN(KeyValue prev, DecodeKeyValue(ObjectField(put, "prev_kv"), prefix_));
  return KeyValue{key, value, prev.create_revision, HeaderRevision(txn), prev.version + 1, lease};
}

Result<KeyValue> EtcdBackend::Delete(const std::string& key, int64_t expected_mod_revision) {
  MINI_RETURN_IF_ERROR(ValidateWrite(key, ""));
  const std::string full = prefix_ + key;
  json::object deleted;  // a DeleteRangeResponse
  int64_t revision = 0;
  if (expected_mod_revision == 0) {
    MINI_ASSIGN_OR_RETURN(deleted,
                          Call("/v3/kv/deleterange", KeyBody(full, true), Replay::kUnsafe));
    revision = HeaderRevision(deleted);
  } else {
    json::object op{{"request_delete_range", KeyBody(full, true)}};
    MINI_ASSIGN_OR_RETURN(json::object txn, Swap(full, expected_mod_revision, std::move(op)));
    if (!BoolField(txn, "succeeded")) {
      return SwapFailure(key, expected_mod_revision, txn);
    }
    deleted = FirstResponse(txn, "response_delete_range");
    revision = HeaderRevision(txn);
  }
  const json::array& prev_kvs = ArrayField(deleted, "prev_kvs");
  if (prev_kvs.empty()) {
    return NotFound(key);
  }
  MINI_ASSIGN_OR_RETURN(KeyValue kv, DecodeKeyValue(prev_kvs[0], prefix_));
  kv.mod_revision = revision;
  return kv;
}

Result<json::object> EtcdBackend::Swap(const std::string& full, int64_t expected,
                                       json::object request) {
  // Comparing mod_revision alone would let expected == 0 match an absent key.
  json::array compare{Compare(full, "VERSION", "GREATER", 0),
                      Compare(full, "MOD", "EQUAL", expected)};
  json::object txn{{"compare", std::move(compare)},
                   {"success", json::array{std::move(request)}},
                   {"failure", json::array{json::object{{"request_range", KeyBody(full, false)}}}}};
  return Call("/v3/kv/txn", txn, Replay::kUnsafe);
}

Status EtcdBackend::SwapFailure(const std::string& key, int64_t expected,
                                const json::object& txn) const {
  const json::array& kvs = ArrayField(FirstResponse(txn, "response_range"), "kvs");
  if (kvs.empty() || !kvs[0].is_object()) {
    return NotFound(key);
  }
  return Error(Code::kConflict, "key {} has changed: its mod_revision is {}, not {}", key,
               IntField(kvs[0].get_object(), "mod_revision"), expected);
}

Result<BackendPtr> NewEtcdBackend(const EtcdOptions& options) {
  MINI_ASSIGN_OR_RETURN(std::shared_ptr<Transport> transport, Transport::Create(options));
  auto backend = std::make_unique<EtcdBackend>(std::move(transport), options.key_prefix);
  MINI_RETURN_IF_ERROR(backend->CurrentRevision().status());  // fail fast when none answers
  return BackendPtr(std::move(backend));
}

}  // namespace mini::store::etcd
