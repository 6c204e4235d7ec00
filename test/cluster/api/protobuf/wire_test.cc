#include "cluster/api/protobuf/wire.h"

#include <doctest/doctest.h>

#include <string>

namespace mini::cluster::api::protobuf::wire {
namespace {

TEST_CASE("varints round-trip at their size boundaries") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     uint64_t{1} << 35, ~uint64_t{0} >> 1, ~uint64_t{0}}) {
    std::string out;
    AppendVarint(out, v);
    std::string_view in = out;
    uint64_t back = 0;
    REQUIRE(ConsumeVarint(in, back));
    CHECK(back == v);
    CHECK(in.empty());
  }
  std::string max;
  AppendVarint(max, ~uint64_t{0});
  CHECK(max.size() == 10);
  CHECK(static_cast<uint8_t>(max.back()) == 1);
}

TEST_CASE("a varint that is cut, too long or overflowing is not consumed") {
  for (std::string bad : {std::string(), std::string("\x80"), std::string(10, '\x80'),
                          std::string(9, '\xff') + "\x02", std::string(11, '\x80') + "\x01"}) {
    std::string_view in = bad;
    uint64_t v = 0;
    CHECK(!ConsumeVarint(in, v));
    CHECK(in.size() == bad.size());
  }
}

TEST_CASE("the reader walks every wire type and stops at the end") {
  std::string message;
  AppendVarintField(message, 1, 150);
  AppendFixed64Field(message, 2, 0x0102030405060708ULL);
  AppendBytesField(message, 3, "abc");
  AppendTag(message, 4, WireType::kFixed32);
  message += std::string("\x01\x00\x00\x80", 4);
  Reader reader(message);
  RawField field;
  REQUIRE(reader.Next(field) == Reader::Step::kField);
  CHECK((field.number == 1 && field.type == WireType::kVarint && field.scalar == 150));
  REQUIRE(reader.Next(field) == Reader::Step::kField);
  CHECK((field.number == 2 && field.scalar == 0x0102030405060708ULL));
  REQUIRE(reader.Next(field) == Reader::Step::kField);
  CHECK((field.number == 3 && field.bytes == "abc"));
  REQUIRE(reader.Next(field) == Reader::Step::kField);
  CHECK((field.number == 4 && field.scalar == 0x80000001u));
  CHECK(reader.Next(field) == Reader::Step::kEnd);
  CHECK(reader.Next(field) == Reader::Step::kEnd);
}

TEST_CASE("the reader reports the field a fault is in") {
  std::string message;
  AppendBytesField(message, 7, "abcdef");
  message.resize(message.size() - 1);
  Reader reader(message);
  RawField field;
  REQUIRE(reader.Next(field) == Reader::Step::kError);
  CHECK(reader.error_field() == 7);
  CHECK(reader.error() == "truncated length-delimited field");
  CHECK(reader.Next(field) == Reader::Step::kEnd);  // nothing more is read after an error

  std::string huge;
  AppendTag(huge, 2, WireType::kLengthDelimited);
  AppendVarint(huge, ~uint64_t{0});
  Reader length_overflow(huge);
  CHECK(length_overflow.Next(field) == Reader::Step::kError);
  CHECK(length_overflow.error() == "truncated length-delimited field");
}

TEST_CASE("the largest field number is accepted, one more is not") {
  std::string ok;
  AppendVarintField(ok, static_cast<int>(kMaxFieldNumber), 1);
  RawField field;
  Reader reader(ok);
  CHECK(reader.Next(field) == Reader::Step::kField);
  CHECK(field.number == static_cast<int>(kMaxFieldNumber));
  std::string bad;
  AppendVarint(bad, (uint64_t{kMaxFieldNumber} + 1) << 3);
  Reader too_big(bad);
  CHECK(too_big.Next(field) == Reader::Step::kError);
  CHECK(too_big.error_field() == 0);
}

}  // namespace
}  // namespace mini::cluster::api::protobuf::wire
