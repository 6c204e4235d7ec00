// The protobuf wire format: reading fields out of a message's bytes and appending them.
//
// The reader never looks outside the bytes it was given and reports malformed input
// (truncation, lengths past the end, groups, unknown wire types) instead of guessing, so the
// decoders above it can turn any byte string into either a value or a precise error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mini::cluster::api::protobuf::wire {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

/// "varint", "64-bit", "length-delimited", "32-bit", "group" or "invalid".
std::string_view WireTypeName(WireType type);

/// Protobuf allows field numbers up to 2^29 - 1.
inline constexpr uint32_t kMaxFieldNumber = (1u << 29) - 1;

/// One field as it appears on the wire.
struct RawField {
  int number = 0;
  WireType type = WireType::kVarint;
  uint64_t scalar = 0;     // the varint, 64-bit or 32-bit value
  std::string_view bytes;  // the payload of a length-delimited field
};

/// Consumes one varint from the front of `data`; false (data unchanged) when it is truncated,
/// longer than ten bytes or overflows 64 bits.
bool ConsumeVarint(std::string_view& data, uint64_t& value);

/// Consumes eight little-endian bytes; false when fewer remain.
bool ConsumeFixed64(std::string_view& data, uint64_t& value);

/// Walks the fields of one message.
class Reader {
 public:
  enum class Step { kField, kEnd, kError };

  explicit Reader(std::string_view data) : data_(data) {}

  /// Reads the next field into `field`. After kError, error() says what was wrong and
  /// error_field() which field number it was in (0 when the tag itself was bad).
  Step Next(RawField& field);

  std::string_view error() const { return error_; }
  int error_field() const { return error_field_; }

 private:
  Step Fail(int number, std::string_view what);

  std::string_view data_;
  std::string_view error_;
  int error_field_ = 0;
};

void AppendVarint(std::string& out, uint64_t value);
void AppendTag(std::string& out, int number, WireType type);
void AppendVarintField(std::string& out, int number, uint64_t value);
void AppendFixed64Field(std::string& out, int number, uint64_t value);
void AppendBytesField(std::string& out, int number, std::string_view bytes);

}  // namespace mini::cluster::api::protobuf::wire
