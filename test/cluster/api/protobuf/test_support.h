// Hand-built protobuf bytes and a small schema that exercises every kind of field.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::protobuf::testing {

// Written independently of the library's wire.cc, so a shared mistake cannot hide.
inline std::string Varint(uint64_t v) {
  std::string out;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (v != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (v != 0);
  return out;
}

inline std::string Tag(int number, int wire_type) {
  return Varint(static_cast<uint64_t>(number) << 3 | static_cast<uint64_t>(wire_type));
}

inline std::string VarintField(int number, uint64_t v) { return Tag(number, 0) + Varint(v); }

/// A negative number as protobuf sends an int32 or int64: sign-extended to 64 bits.
inline std::string SignedField(int number, int64_t v) {
  return VarintField(number, static_cast<uint64_t>(v));
}

inline std::string Fixed64Field(int number, uint64_t v) {
  std::string out = Tag(number, 1);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

inline std::string BytesField(int number, std::string_view payload) {
  return Tag(number, 2) + Varint(payload.size()) + std::string(payload);
}

inline std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out.append(part);
  return out;
}

/// A map entry {1 key, 2 value} as field `number`.
inline std::string Entry(int number, std::string_view key, std::string_view value_field) {
  return BytesField(number, Cat({BytesField(1, key), value_field}));
}

inline std::string StringEntry(int number, std::string_view key, std::string_view value) {
  return Entry(number, key, BytesField(2, value));
}

/// "k8s\0" + Unknown{typeMeta, raw, "", ""}, as kubectl sends it.
inline std::string Body(std::string_view api_version, std::string_view kind, std::string_view raw) {
  return Cat({std::string_view("k8s\0", 4),
              BytesField(1, Cat({BytesField(1, api_version), BytesField(2, kind)})),
              BytesField(2, raw), BytesField(3, ""), BytesField(4, "")});
}

inline std::string FromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  int byte = 0;
  for (char c : hex) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    byte = byte * 16 + v;
    if (++nibbles % 2 == 0) {
      out.push_back(static_cast<char>(byte));
      byte = 0;
    }
  }
  return out;
}

inline boost::json::value Json(std::string_view text) { return boost::json::parse(text); }

/// What `kubectl create deployment nginx --image=nginx:1.27 --replicas=2 --port=80` sends:
/// every non-pointer scalar written even at its zero value.
std::string KubectlDeploymentBody();

/// widgets.example.com/v1: one field of every kind the schema can describe.
const schema::Schema& WidgetSchema();
const schema::Type& WidgetSpec();

/// Decodes a WidgetSpec message; fails the test on error.
boost::json::object DecodeSpec(std::string_view bytes);
/// The error message decoding a WidgetSpec gives; fails the test if it succeeds.
std::string SpecError(std::string_view bytes);

}  // namespace mini::cluster::api::protobuf::testing
