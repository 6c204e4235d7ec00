// JSON -> protobuf, written the way Go's generated marshallers write it: every non-pointer
// scalar and message even at its zero value, pointers only when set, map entries by key.
#include <algorithm>
#include <bit>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "cluster/api/protobuf/decode_internal.h"
#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/protobuf/well_known.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace json = boost::json;
using internal::PathScope;
using schema::Field;
using schema::Scalar;
using schema::Type;
using wire::WireType;

constexpr int kMaxDepth = 64;

class Encoder {
 public:
  // `inlined`: the members of an inlined field's type, read from the enclosing object.
  Status Message(const json::object& object, const Type& type, bool root, bool inlined,
                 std::string& out);

 private:
  Status Known(const json::object& object, const Type& type, bool root);
  Status FieldOf(const Field& field, const json::object& object, std::string& out);
  Status Zero(const Field& field, std::string& out);
  Status Element(const Field& field, int number, const json::value& value, std::string& out);
  Result<std::string> Payload(const Field& field, const json::value& value);
  Result<int64_t> Integer(const json::value& value, int64_t min, int64_t max);
  Status Fail(std::string_view what) const {
    if (path_.empty()) return Status(Code::kInvalidArgument, std::string(what));
    return Error(Code::kInvalidArgument, "{}: {}", path_, what);
  }

  std::string path_;
  int depth_ = 0;
};

Status Encoder::Message(const json::object& object, const Type& type, bool root, bool inlined,
                        std::string& out) {
  if (depth_ >= kMaxDepth) return Fail("objects nested too deeply");
  if (!inlined) MINI_RETURN_IF_ERROR(Known(object, type, root));
  ++depth_;
  // Generated marshallers write fields by ascending number, whatever the declaration order.
  std::vector<const Field*> fields;
  fields.reserve(type.fields.size());
  for (const Field& field : type.fields) fields.push_back(&field);
  std::stable_sort(fields.begin(), fields.end(),
                   [](const Field* a, const Field* b) { return a->proto < b->proto; });
  for (const Field* field : fields) {
    PathScope scope(path_, field->inlined ? std::string_view() : std::string_view(field->name));
    Status status = FieldOf(*field, object, out);
    if (!status.ok()) {
      --depth_;
      return status;
    }
  }
  --depth_;
  return Status::Ok();
}

Status Encoder::Known(const json::object& object, const Type& type, bool root) {
  for (const auto& member : object) {
    const std::string_view key = member.key();
    if (root && (key == "apiVersion" || key == "kind")) continue;
    if (type.FindField(key) == nullptr) {
      PathScope scope(path_, key);
      return Fail(fmt::format("unknown field of {}", type.name));
    }
  }
  return Status::Ok();
}

Status Encoder::FieldOf(const Field& field, const json::object& object, std::string& out) {
  if (field.proto == 0) return Status::Ok();
  if (field.scalar == Scalar::kObject && field.object == nullptr) {
    return Status(Code::kInternal, fmt::format("schema field {} has no type", field.name));
  }
  if (field.inlined && field.scalar == Scalar::kObject && !field.is_list() && !field.is_map()) {
    bool any = false;
    for (const auto& member : object) any = any || field.object->FindField(member.key());
    if (field.pointer && !any) return Status::Ok();
    std::string payload;
    MINI_RETURN_IF_ERROR(Message(object, *field.object, false, true, payload));
    wire::AppendBytesField(out, field.proto, payload);
    return Status::Ok();
  }
  const json::value* value = object.if_contains(field.name);
  if (value != nullptr && value->is_null()) value = nullptr;
  if (field.is_list()) {
    if (value == nullptr) return Status::Ok();
    if (!value->is_array()) return Fail("expected an array");
    const json::array& items = value->get_array();
    for (size_t i = 0; i < items.size(); ++i) {
      PathScope scope(path_, i);
      MINI_RETURN_IF_ERROR(Element(field, field.proto, items[i], out));
    }
    return Status::Ok();
  }
  if (field.is_map()) {
    if (value == nullptr) return Status::Ok();
    if (!value->is_object()) return Fail("expected an object");
    std::vector<const json::key_value_pair*> entries;
    for (const auto& member : value->get_object()) entries.push_back(&member);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    for (const auto* member : entries) {
      PathScope scope(path_, internal::MapKey{member->key()});
      std::string entry;
      wire::AppendBytesField(entry, 1, member->key());
      MINI_RETURN_IF_ERROR(Element(field, 2, member->value(), entry));
      wire::AppendBytesField(out, field.proto, entry);
    }
    return Status::Ok();
  }
  if (value == nullptr) return field.pointer ? Status::Ok() : Zero(field, out);
  return Element(field, field.proto, *value, out);
}

Status Encoder::Zero(const Field& field, std::string& out) {
  if (field.scalar == Scalar::kObject) {
    // A Go struct is written with all of its own zero fields.
    std::string payload;
    MINI_RETURN_IF_ERROR(Message(json::object(), *field.object, false, false, payload));
    wire::AppendBytesField(out, field.proto, payload);
    return Status::Ok();
  }
  switch (internal::WireTypeOf(field.scalar)) {
    case WireType::kVarint:
      wire::AppendVarintField(out, field.proto, 0);
      break;
    case WireType::kFixed64:
      wire::AppendFixed64Field(out, field.proto, 0);
      break;
    default:
      // "", no bytes, or an empty special message (a zero Time is written as nothing).
      wire::AppendBytesField(out, field.proto, {});
      break;
  }
  return Status::Ok();
}

Result<int64_t> Encoder::Integer(const json::value& value, int64_t min, int64_t max) {
  int64_t v = 0;
  if (value.is_int64()) {
    v = value.get_int64();
  } else if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<uint64_t>(max)) return Fail("integer out of range");
    v = static_cast<int64_t>(value.get_uint64());
  } else if (value.is_double()) {
    const double d = value.get_double();
    // 2^63 as a double: the first value past int64's range.
    if (std::trunc(d) != d || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
      return Fail("expected an integer");
    }
    v = static_cast<int64_t>(d);
  } else {
    return Fail("expected an integer");
  }
  if (v < min || v > max) return Fail("integer out of range");
  return v;
}

Status Encoder::Element(const Field& field, int number, const json::value& value,
                        std::string& out) {
  switch (field.scalar) {
    case Scalar::kBoolean:
      if (!value.is_bool()) return Fail("expected a boolean");
      wire::AppendVarintField(out, number, value.get_bool() ? 1 : 0);
      return Status::Ok();
    case Scalar::kInt32: {
      MINI_ASSIGN_OR_RETURN(int64_t v, Integer(value, std::numeric_limits<int32_t>::min(),
                                               std::numeric_limits<int32_t>::max()));
      // Sign-extended to 64 bits: a negative int32 takes ten bytes, as protobuf requires.
      wire::AppendVarintField(out, number, static_cast<uint64_t>(v));
      return Status::Ok();
    }
    case Scalar::kInt64: {
      MINI_ASSIGN_OR_RETURN(int64_t v, Integer(value, std::numeric_limits<int64_t>::min(),
                                               std::numeric_limits<int64_t>::max()));
      wire::AppendVarintField(out, number, static_cast<uint64_t>(v));
      return Status::Ok();
    }
    case Scalar::kDouble: {
      if (!value.is_number()) return Fail("expected a number");
      const double d = value.is_double()  ? value.get_double()
                       : value.is_int64() ? static_cast<double>(value.get_int64())
                                          : static_cast<double>(value.get_uint64());
      wire::AppendFixed64Field(out, number, std::bit_cast<uint64_t>(d));
      return Status::Ok();
    }
    default: {
      MINI_ASSIGN_OR_RETURN(std::string payload, Payload(field, value));
      wire::AppendBytesField(out, number, payload);
      return Status::Ok();
    }
  }
}

Result<std::string> Encoder::Payload(const Field& field, const json::value& value) {
  std::string out;
  const auto text = [&]() -> Result<std::string_view> {
    if (!value.is_string()) return Fail("expected a string");
    return std::string_view(value.get_string());
  };
  switch (field.scalar) {
    case Scalar::kObject:
      if (!value.is_object()) return Fail("expected an object");
      MINI_RETURN_IF_ERROR(Message(value.get_object(), *field.object, false, false, out));
      return out;
    case Scalar::kString: {
      MINI_ASSIGN_OR_RETURN(std::string_view s, text());
      return std::string(s);
    }
    case Scalar::kBytes: {
      MINI_ASSIGN_OR_RETURN(std::string_view s, text());
      auto bytes = Base64Decode(s);
      if (!bytes.ok()) return Fail(bytes.status().message());
      return std::move(bytes).value();
    }
    case Scalar::kQuantity:
      // Kubernetes accepts a bare number for a quantity too.
      if (value.is_number()) {
        wire::AppendBytesField(out, 1, json::serialize(value));
      } else {
        MINI_ASSIGN_OR_RETURN(std::string_view s, text());
        wire::AppendBytesField(out, 1, s);
      }
      return out;
    case Scalar::kIntOrString:
      if (value.is_string()) {
        wire::AppendVarintField(out, 1, 1);
        wire::AppendVarintField(out, 2, 0);
        wire::AppendBytesField(out, 3, value.get_string());
        return out;
      } else {
        MINI_ASSIGN_OR_RETURN(int64_t v, Integer(value, std::numeric_limits<int32_t>::min(),
                                                 std::numeric_limits<int32_t>::max()));
        wire::AppendVarintField(out, 1, 0);
        wire::AppendVarintField(out, 2, static_cast<uint64_t>(v));
        wire::AppendBytesField(out, 3, {});
        return out;
      }
    case Scalar::kTime:
    case Scalar::kMicroTime: {
      if (value.is_null()) return out;  // unset: the empty message
      MINI_ASSIGN_OR_RETURN(std::string_view s, text());
      auto time = ParseTime(s);
      if (!time.ok()) return Fail(time.status().message());
      wire::AppendVarintField(out, 1, static_cast<uint64_t>(time->seconds));
      wire::AppendVarintField(out, 2, static_cast<uint64_t>(int64_t{time->nanos}));
      return out;
    }
    case Scalar::kDuration: {
      MINI_ASSIGN_OR_RETURN(std::string_view s, text());
      auto nanoseconds = ParseDuration(s);
      if (!nanoseconds.ok()) return Fail(nanoseconds.status().message());
      wire::AppendVarintField(out, 1, static_cast<uint64_t>(*nanoseconds));
      return out;
    }
    case Scalar::kRawExtension:
    case Scalar::kFieldsV1:
      if (!value.is_null()) wire::AppendBytesField(out, 1, json::serialize(value));
      return out;
    case Scalar::kStringList:
      if (!value.is_array()) return Fail("expected an array of strings");
      for (const json::value& item : value.get_array()) {
        if (!item.is_string()) return Fail("expected an array of strings");
        wire::AppendBytesField(out, 1, item.get_string());
      }
      return out;
    default:
      return Fail(fmt::format("cannot encode a {}", internal::ScalarName(field.scalar)));
  }
}

}  // namespace

Result<std::string> EncodeMessage(const boost::json::object& object, const schema::Type& type) {
  Encoder encoder;
  std::string out;
  MINI_RETURN_IF_ERROR(encoder.Message(object, type, false, false, out));
  return out;
}

namespace internal {

Result<std::string> EncodeRoot(const boost::json::object& object, const schema::Type& type) {
  Encoder encoder;
  std::string out;
  MINI_RETURN_IF_ERROR(encoder.Message(object, type, true, false, out));
  return out;
}

}  // namespace internal
}  // namespace mini::cluster::api::protobuf
