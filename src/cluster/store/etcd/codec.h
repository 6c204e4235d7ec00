// The etcd v3 JSON gateway's encoding: protobuf messages as JSON, bytes fields in base64,
// int64 fields as JSON strings, fields at their zero value omitted; errors as gRPC codes.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/store/backend.h"
#include "cluster/store/etcd/connection.h"

namespace mini::store::etcd {

namespace json = boost::json;

std::string Base64Encode(std::string_view bytes);
/// kInternal when `text` is not valid base64 (the peer is not an etcd gateway).
Result<std::string> Base64Decode(std::string_view text);

/// An integer field, which the gateway writes as a string; absent means 0.
int64_t IntField(const json::object& object, std::string_view name);
bool BoolField(const json::object& object, std::string_view name);
/// A member that is an object, or an empty object when absent.
const json::object& ObjectField(const json::object& object, std::string_view name);
/// A member that is an array, or an empty array when absent.
const json::array& ArrayField(const json::object& object, std::string_view name);

/// Decodes an mvccpb.KeyValue, removing `key_prefix` from the front of its key.
Result<KeyValue> DecodeKeyValue(const json::value& value, std::string_view key_prefix);

/// The JSON object of a 2xx answer, or the Status that the answer's error stands for.
Result<json::object> DecodeReply(const Reply& reply);

/// One message of a streaming answer: its "result" object, or the Status its "error" object
/// stands for.
Result<json::object> DecodeStreamMessage(std::string_view text);

/// Maps a gRPC status from etcd to ours: compacted and future revisions become kOutOfRange
/// with kReasonCompacted / kReasonFutureRevision.
Status StatusFromGrpc(int64_t grpc_code, const std::string& message);

}  // namespace mini::store::etcd
