// Single values: numbers, strings, bytes and the special Kubernetes messages.
#include <bit>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <cmath>

#include "cluster/api/protobuf/decode_internal.h"
#include "cluster/api/protobuf/decoder.h"
#include "cluster/api/protobuf/well_known.h"

namespace mini::cluster::api::protobuf::internal {
namespace {

namespace json = boost::json;
using schema::Field;
using schema::Scalar;
using wire::RawField;
using wire::WireType;

// Deep enough for any managedFields entry, shallow enough that destroying the parsed value
// (which recurses) cannot exhaust the stack.
constexpr size_t kMaxRawJsonDepth = 256;

}  // namespace

Result<Decoder::Value> Decoder::Element(const Field& field, const RawField& raw) {
  switch (field.scalar) {
    case Scalar::kObject: {
      MINI_ASSIGN_OR_RETURN(json::object object, Message(raw.bytes, *field.object));
      const bool zero = object.empty();
      return Value{std::move(object), zero};
    }
    case Scalar::kString:
      // Kept byte for byte, as upstream's protobuf code does not check UTF-8 either.
      return Value{json::string(raw.bytes.data(), raw.bytes.size()), raw.bytes.empty()};
    case Scalar::kBytes:
      return Value{json::string(Base64Encode(raw.bytes)), raw.bytes.empty()};
    case Scalar::kBoolean:
    case Scalar::kInt32:
    case Scalar::kInt64:
    case Scalar::kDouble:
      return Number(field.scalar, raw.scalar);
    default:
      return Special(field.scalar, raw.bytes);
  }
}

Result<Decoder::Value> Decoder::Number(Scalar scalar, uint64_t bits) {
  switch (scalar) {
    case Scalar::kBoolean:
      return Value{bits != 0, bits == 0};
    case Scalar::kInt32: {
      // A negative int32 travels sign-extended to ten bytes; protobuf keeps the low 32 bits.
      const auto v = static_cast<int32_t>(static_cast<uint32_t>(bits));
      return Value{static_cast<int64_t>(v), v == 0};
    }
    case Scalar::kInt64: {
      const auto v = static_cast<int64_t>(bits);
      return Value{v, v == 0};
    }
    case Scalar::kDouble: {
      const auto v = std::bit_cast<double>(bits);
      if (!std::isfinite(v)) return Fail("NaN and infinite numbers cannot be written as JSON");
      return Value{v, v == 0};
    }
    default:
      return Fail(fmt::format("{} is not a number", ScalarName(scalar)));
  }
}

Result<Decoder::Value> Decoder::Special(Scalar scalar, std::string_view bytes) {
  switch (scalar) {
    case Scalar::kIntOrString:
      return IntOrString(bytes);
    case Scalar::kTime:
    case Scalar::kMicroTime:
      return Time(bytes, scalar == Scalar::kMicroTime);
    case Scalar::kRawExtension:
    case Scalar::kFieldsV1:
      return RawJson(scalar, bytes);
    default:
      break;
  }
  // Quantity {1 string}, Duration {1 int64}, StringList {1 repeated string}.
  const WireType expected =
      scalar == Scalar::kDuration ? WireType::kVarint : WireType::kLengthDelimited;
  json::array list;
  RawField value;
  wire::Reader reader(bytes);
  RawField raw;
  for (;;) {
    const auto step = reader.Next(raw);
    if (step == wire::Reader::Step::kEnd) break;
    if (step == wire::Reader::Step::kError) {
      return Fail(fmt::format("{} in {}", reader.error(), ScalarName(scalar)));
    }
    if (raw.number != 1) continue;
    if (raw.type != expected) {
      return Fail(
          fmt::format("{} sent with a {} value", ScalarName(scalar), wire::WireTypeName(raw.type)));
    }
    if (scalar == Scalar::kStringList) list.emplace_back(json::string_view(raw.bytes));
    value = raw;
  }
  switch (scalar) {
    case Scalar::kQuantity:
      // Quantity's syntax is validation's business; the text passes through as sent.
      return Value{json::string(value.bytes.data(), value.bytes.size()), value.bytes.empty()};
    case Scalar::kDuration: {
      const auto nanoseconds = static_cast<int64_t>(value.scalar);
      return Value{json::string(FormatDuration(nanoseconds)), nanoseconds == 0};
    }
    case Scalar::kStringList: {
      const bool empty = list.empty();
      return Value{std::move(list), empty};
    }
    default:
      return Fail(fmt::format("{} is not a special message", ScalarName(scalar)));
  }
}

Result<Decoder::Value> Decoder::IntOrString(std::string_view bytes) {
  // {1 type (0 int, 1 string), 2 intVal, 3 strVal}
  uint64_t type = 0;
  uint64_t int_val = 0;
  std::string_view str_val;
  wire::Reader reader(bytes);
  RawField raw;
  for (;;) {
    const auto step = reader.Next(raw);
    if (step == wire::Reader::Step::kEnd) break;
    if (step == wire::Reader::Step::kError) {
      return Fail(fmt::format("{} in IntOrString", reader.error()));
    }
    if (raw.number < 1 || raw.number > 3) continue;
    const WireType expected = raw.number == 3 ? WireType::kLengthDelimited : WireType::kVarint;
    if (raw.type != expected) {
      return Fail(
          fmt::format("IntOrString field {} sent as {}", raw.number, wire::WireTypeName(raw.type)));
    }
    if (raw.number == 1) type = raw.scalar;
    if (raw.number == 2) int_val = raw.scalar;
    if (raw.number == 3) str_val = raw.bytes;
  }
  if (type == 1) return Value{json::string(str_val.data(), str_val.size()), false};
  if (type != 0) return Fail(fmt::format("IntOrString has type {}, not 0 or 1", type));
  const auto v = static_cast<int32_t>(static_cast<uint32_t>(int_val));
  return Value{static_cast<int64_t>(v), v == 0};
}

Result<Decoder::Value> Decoder::Time(std::string_view bytes, bool micro) {
  // {1 seconds, 2 nanos}
  Timestamp time;
  wire::Reader reader(bytes);
  RawField raw;
  const std::string_view name = micro ? "MicroTime" : "Time";
  for (;;) {
    const auto step = reader.Next(raw);
    if (step == wire::Reader::Step::kEnd) break;
    if (step == wire::Reader::Step::kError) {
      return Fail(fmt::format("{} in {}", reader.error(), name));
    }
    if (raw.number != 1 && raw.number != 2) continue;
    if (raw.type != WireType::kVarint) {
      return Fail(
          fmt::format("{} field {} sent as {}", name, raw.number, wire::WireTypeName(raw.type)));
    }
    if (raw.number == 1) time.seconds = static_cast<int64_t>(raw.scalar);
    if (raw.number == 2) time.nanos = static_cast<int32_t>(static_cast<uint32_t>(raw.scalar));
  }
  // metav1.Time keeps whole seconds only, MicroTime microseconds; the JSON could not show more.
  if (!micro) time.nanos = 0;
  // Zero means unset. Judged on what the JSON would show, so that the epoch, which reads
  // back as zero, is unset whatever sub-second noise came with it.
  if (time.seconds == 0 && time.nanos < 1000 && time.nanos >= 0) return Value{nullptr, true};
  auto text = FormatTime(time, micro);
  if (!text.ok()) return Fail(text.status().message());
  return Value{json::string(*text), false};
}

Result<Decoder::Value> Decoder::RawJson(Scalar scalar, std::string_view bytes) {
  // {1 raw}: the embedded object's JSON text.
  std::string_view text;
  wire::Reader reader(bytes);
  RawField raw;
  for (;;) {
    const auto step = reader.Next(raw);
    if (step == wire::Reader::Step::kEnd) break;
    if (step == wire::Reader::Step::kError) {
      return Fail(fmt::format("{} in {}", reader.error(), ScalarName(scalar)));
    }
    if (raw.number != 1) continue;
    if (raw.type != WireType::kLengthDelimited) {
      return Fail(
          fmt::format("{} sent with a {} value", ScalarName(scalar), wire::WireTypeName(raw.type)));
    }
    text = raw.bytes;
  }
  if (text.empty()) return Value{nullptr, true};
  json::parse_options options;
  options.max_depth = kMaxRawJsonDepth;
  boost::system::error_code error;
  json::value value = json::parse(json::string_view(text.data(), text.size()), error, {}, options);
  if (error) {
    return Fail(
        fmt::format("{} does not hold valid JSON: {}", ScalarName(scalar), error.message()));
  }
  return Value{std::move(value), false};
}

Result<json::value> Decoder::ZeroOf(const Field& field) {
  switch (field.scalar) {
    case Scalar::kObject: {
      MINI_ASSIGN_OR_RETURN(json::object object, Message({}, *field.object));
      return json::value(std::move(object));
    }
    case Scalar::kString:
    case Scalar::kBytes:
      return json::value(json::string());
    case Scalar::kBoolean:
      return json::value(false);
    case Scalar::kInt32:
    case Scalar::kInt64:
    case Scalar::kIntOrString:
      return json::value(int64_t{0});
    case Scalar::kDouble:
      return json::value(0.0);
    case Scalar::kQuantity:
      return json::value("0");
    case Scalar::kDuration:
      return json::value("0s");
    case Scalar::kStringList:
      return json::value(json::array());
    case Scalar::kTime:
    case Scalar::kMicroTime:
    case Scalar::kRawExtension:
    case Scalar::kFieldsV1:
      break;
  }
  return json::value(nullptr);
}

}  // namespace mini::cluster::api::protobuf::internal
