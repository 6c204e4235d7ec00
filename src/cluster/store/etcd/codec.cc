#include "cluster/store/etcd/codec.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

namespace mini::store::etcd {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> DecodeTable() {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecode = DecodeTable();

// gRPC status codes (google.golang.org/grpc/codes) that etcd uses.
enum GrpcCode : int64_t {
  kGrpcCancelled = 1,
  kGrpcInvalidArgument = 3,
  kGrpcDeadlineExceeded = 4,
  kGrpcNotFound = 5,
  kGrpcAlreadyExists = 6,
  kGrpcPermissionDenied = 7,
  kGrpcResourceExhausted = 8,
  kGrpcFailedPrecondition = 9,
  kGrpcOutOfRange = 11,
  kGrpcUnimplemented = 12,
  kGrpcUnavailable = 14,
  kGrpcUnauthenticated = 16,
};

Code CodeFromGrpc(int64_t grpc_code) {
  switch (grpc_code) {
    case kGrpcCancelled:
      return Code::kCancelled;
    case kGrpcInvalidArgument:
      return Code::kInvalidArgument;
    case kGrpcDeadlineExceeded:
      return Code::kDeadlineExceeded;
    case kGrpcNotFound:
      return Code::kNotFound;
    case kGrpcAlreadyExists:
      return Code::kAlreadyExists;
    case kGrpcPermissionDenied:
    case kGrpcUnauthenticated:
      return Code::kPermissionDenied;
    case kGrpcResourceExhausted:
      return Code::kResourceExhausted;
    case kGrpcFailedPrecondition:
      return Code::kFailedPrecondition;
    case kGrpcOutOfRange:
      return Code::kOutOfRange;
    case kGrpcUnimplemented:
      return Code::kUnimplemented;
    case kGrpcUnavailable:
      return Code::kUnavailable;
    default:
      return Code::kInternal;
  }
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8 |
                 static_cast<uint8_t>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) {
      return Error(Code::kInternal, "etcd sent invalid base64 data");
    }
    bits = bits << 6 | static_cast<uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8);
      out += static_cast<char>(bits);
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) {
    return Error(Code::kInternal, "etcd sent truncated base64 data");
  }
  if (count >= 2) out += static_cast<char>(bits >> (count == 2 ? 4 : 10));
  if (count == 3) out += static_cast<char>(bits >> 2);
  return out;
}

int64_t IntField(const json::object& object, std::string_view name) {
  const json::value* v = object.if_contains(name);
  if (v == nullptr) {
    return 0;
  }
  if (v->is_string()) {
    int64_t n = 0;
    const json::string& s = v->get_string();
    std::from_chars(s.data(), s.data() + s.size(), n);
    return n;
  }
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

bool BoolField(const json::object& object, std::string_view name) {
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_bool() && v->get_bool();
}

const json::object& ObjectField(const json::object& object, std::string_view name) {
  static const json::object kEmpty;
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

const json::array& ArrayField(const json::object& object, std::string_view name) {
  static const json::array kEmpty;
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_array() ? v->get_array() : kEmpty;
}

Result<KeyValue> DecodeKeyValue(const json::value& value, std::string_view key_prefix) {
  if (!value.is_object()) {
    return Error(Code::kInternal, "etcd sent a key-value that is not an object");
  }
  const json::object& object = value.get_object();
  KeyValue kv;
  auto text = [&](std::string_view name) -> std::string_view {
    const json::value* v = object.if_contains(name);
    return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : "";
  };
  MINI_ASSIGN_OR_RETURN(kv.key, Base64Decode(text("key")));
  MINI_ASSIGN_OR_RETURN(kv.value, Base64Decode(text("value")));
  if (kv.key.starts_with(key_prefix)) {
    kv.key.erase(0, key_prefix.size());
  }
  kv.create_revision = IntField(object, "create_revision");
  kv.mod_revision = IntField(object, "mod_revision");
  kv.version = IntField(object, "version");
  kv.lease = IntField(object, "lease");
  return kv;
}

Status StatusFromGrpc(int64_t grpc_code, const std::string& message) {
  if (message.find("required revision has been compacted") != std::string::npos) {
    return Status(Code::kOutOfRange, message).WithReason(kReasonCompacted);
  }
  if (message.find("required revision is a future revision") != std::string::npos) {
    return Status(Code::kOutOfRange, message).WithReason(kReasonFutureRevision);
  }
  if (message.find("request is too large") != std::string::npos) {
    // etcd's --max-request-bytes (1.5 MiB by default) bounds the whole request, key included.
    return Error(Code::kResourceExhausted,
                 "etcd refused the request as too large: its --max-request-bytes (1.5 MiB by "
                 "default) counts the key and request overhead as well as the value")
        .WithReason("STORE_VALUE_TOO_LARGE");
  }
  return Status(CodeFromGrpc(grpc_code), message.empty() ? "etcd failed" : message);
}

Result<json::object> DecodeStreamMessage(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return Error(Code::kUnavailable, "etcd sent a stream message that is not JSON: {}",
                 text.substr(0, 200));
  }
  const json::object& error = ObjectField(value.get_object(), "error");
  if (!error.empty()) {
    const json::value* message = error.if_contains("message");
    return StatusFromGrpc(IntField(error, "grpc_code"), message != nullptr && message->is_string()
                                                            ? std::string(message->get_string())
                                                            : json::serialize(error));
  }
  return ObjectField(value.get_object(), "result");
}

Result<json::object> DecodeReply(const Reply& reply) {
  boost::system::error_code ec;
  json::value value = json::parse(reply.body, ec);
  if (ec || !value.is_object()) {
    return Error(reply.http_status == 503 ? Code::kUnavailable : Code::kInternal,
                 "etcd answered HTTP {} with {}", reply.http_status, reply.body.substr(0, 200));
  }
  json::object& object = value.get_object();
  if (reply.http_status / 100 != 2 || object.contains("error")) {
    const json::value* message = object.if_contains("message");
    return StatusFromGrpc(IntField(object, "code"), message != nullptr && message->is_string()
                                                        ? std::string(message->get_string())
                                                        : std::string(reply.body.substr(0, 200)));
  }
  return std::move(object);
}

}  // namespace mini::store::etcd
