#include "cluster/api/protobuf/wire.h"

namespace mini::cluster::api::protobuf::wire {

std::string_view WireTypeName(WireType type) {
  switch (type) {
    case WireType::kVarint:
      return "varint";
    case WireType::kFixed64:
      return "64-bit";
    case WireType::kLengthDelimited:
      return "length-delimited";
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      return "group";
    case WireType::kFixed32:
      return "32-bit";
  }
  return "invalid";
}

bool ConsumeVarint(std::string_view& data, uint64_t& value) {
  uint64_t result = 0;
  for (size_t i = 0; i < data.size() && i < 10; ++i) {
    const auto byte = static_cast<uint8_t>(data[i]);
    // The tenth byte holds only bit 63; anything more would be silently lost.
    if (i == 9 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      value = result;
      data.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

bool ConsumeFixed64(std::string_view& data, uint64_t& value) {
  if (data.size() < 8) return false;
  uint64_t result = 0;
  for (int i = 7; i >= 0; --i) result = (result << 8) | static_cast<uint8_t>(data[i]);
  value = result;
  data.remove_prefix(8);
  return true;
}

Reader::Step Reader::Fail(int number, std::string_view what) {
  error_field_ = number;
  error_ = what;
  data_ = {};
  return Step::kError;
}

Reader::Step Reader::Next(RawField& field) {
  if (data_.empty()) return Step::kEnd;
  uint64_t tag = 0;
  if (!ConsumeVarint(data_, tag)) return Fail(0, "truncated or overlong field tag");
  const uint64_t number = tag >> 3;
  if (number == 0 || number > kMaxFieldNumber) return Fail(0, "invalid field number");
  field.number = static_cast<int>(number);
  field.type = static_cast<WireType>(tag & 7);
  field.scalar = 0;
  field.bytes = {};
  switch (field.type) {
    case WireType::kVarint:
      if (!ConsumeVarint(data_, field.scalar))
        return Fail(field.number, "truncated or overlong varint");
      return Step::kField;
    case WireType::kFixed64:
      if (!ConsumeFixed64(data_, field.scalar)) return Fail(field.number, "truncated 64-bit field");
      return Step::kField;
    case WireType::kLengthDelimited: {
      uint64_t length = 0;
      if (!ConsumeVarint(data_, length) || length > data_.size()) {
        return Fail(field.number, "truncated length-delimited field");
      }
      field.bytes = data_.substr(0, static_cast<size_t>(length));
      data_.remove_prefix(static_cast<size_t>(length));
      return Step::kField;
    }
    case WireType::kFixed32: {
      if (data_.size() < 4) return Fail(field.number, "truncated 32-bit field");
      uint32_t v = 0;
      for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[i]);
      field.scalar = v;
      data_.remove_prefix(4);
      return Step::kField;
    }
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      // Deprecated since proto2 and never produced by Kubernetes' generated code.
      return Fail(field.number, "groups are not supported");
  }
  // Wire types 6 and 7 have never been defined.
  return Fail(field.number, field.type == static_cast<WireType>(6) ? "invalid wire type 6"
                                                                   : "invalid wire type 7");
}

void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void AppendTag(std::string& out, int number, WireType type) {
  AppendVarint(out, (static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(type));
}

void AppendVarintField(std::string& out, int number, uint64_t value) {
  AppendTag(out, number, WireType::kVarint);
  AppendVarint(out, value);
}

void AppendFixed64Field(std::string& out, int number, uint64_t value) {
  AppendTag(out, number, WireType::kFixed64);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendBytesField(std::string& out, int number, std::string_view bytes) {
  AppendTag(out, number, WireType::kLengthDelimited);
  AppendVarint(out, bytes.size());
  out.append(bytes);
}

}  // namespace mini::cluster::api::protobuf::wire
