#include "cluster/api/protobuf/well_known.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace mini::cluster::api::protobuf {
namespace {

std::string Time(int64_t seconds, int32_t nanos, bool micro) {
  auto text = FormatTime({seconds, nanos}, micro);
  REQUIRE_MESSAGE(text.ok(), text.status().ToString());
  return *text;
}

TEST_CASE("times format as RFC 3339 in UTC") {
  CHECK(Time(0, 0, false) == "1970-01-01T00:00:00Z");
  CHECK(Time(1136214245, 0, false) == "2006-01-02T15:04:05Z");
  CHECK(Time(1136214245, 999999999, true) == "2006-01-02T15:04:05.999999Z");
  CHECK(Time(1136214245, 1000, true) == "2006-01-02T15:04:05.000001Z");
  CHECK(Time(951782400, 0, false) == "2000-02-29T00:00:00Z");  // leap day
  CHECK(Time(-86400, 0, false) == "1969-12-31T00:00:00Z");
  CHECK(Time(-62167219200, 0, false) == "0000-01-01T00:00:00Z");
  CHECK(Time(253402300799, 0, false) == "9999-12-31T23:59:59Z");
  CHECK(!FormatTime({253402300800, 0}, false).ok());
  CHECK(!FormatTime({-62167219201, 0}, false).ok());
  CHECK(!FormatTime({std::numeric_limits<int64_t>::min(), 0}, true).ok());
  CHECK(!FormatTime({0, 1000000000}, true).ok());
}

TEST_CASE("RFC 3339 times parse with fractions and offsets") {
  auto check = [](std::string_view text, int64_t seconds, int32_t nanos) {
    auto time = ParseTime(text);
    REQUIRE_MESSAGE(time.ok(), text);
    CHECK(time->seconds == seconds);
    CHECK(time->nanos == nanos);
  };
  check("2006-01-02T15:04:05Z", 1136214245, 0);
  check("2006-01-02T15:04:05.5Z", 1136214245, 500000000);
  check("2006-01-02T15:04:05.1234567891Z", 1136214245, 123456789);
  check("2006-01-02T08:04:05-07:00", 1136214245, 0);
  check("2006-01-03T00:34:05+09:30", 1136214245, 0);
  for (std::string_view bad :
       {"", "2006-01-02", "2006-01-02 15:04:05Z", "2006-02-30T00:00:00Z", "2006-01-02T24:00:00Z",
        "2006-01-02T15:04:05", "2006-01-02T15:04:05.Z", "2006-01-02T15:04:05Zx",
        "2006-01-02T15:04:05+7:00"}) {
    CHECK_MESSAGE(!ParseTime(bad).ok(), bad);
  }
}

TEST_CASE("durations format like Go's time.Duration") {
  CHECK(FormatDuration(0) == "0s");
  CHECK(FormatDuration(1) == "1ns");
  CHECK(FormatDuration(1500) == "1.5µs");
  CHECK(FormatDuration(2000000) == "2ms");
  CHECK(FormatDuration(1500000000) == "1.5s");
  CHECK(FormatDuration(60000000000) == "1m0s");
  CHECK(FormatDuration(3600000000000) == "1h0m0s");
  CHECK(FormatDuration(3723500000000) == "1h2m3.5s");
  CHECK(FormatDuration(-61000000001) == "-1m1.000000001s");
  CHECK(FormatDuration(std::numeric_limits<int64_t>::min()) == "-2562047h47m16.854775808s");
  CHECK(FormatDuration(std::numeric_limits<int64_t>::max()) == "2562047h47m16.854775807s");
}

TEST_CASE("durations parse like Go's time.ParseDuration") {
  auto check = [](std::string_view text, int64_t nanoseconds) {
    auto parsed = ParseDuration(text);
    REQUIRE_MESSAGE(parsed.ok(), text);
    CHECK(*parsed == nanoseconds);
  };
  check("0", 0);
  check("-0", 0);
  check("1h2m3.5s", 3723500000000);
  check("1.5h", 5400000000000);
  check("-2m", -120000000000);
  check("+5s", 5000000000);
  check(".5s", 500000000);
  check("1.s", 1000000000);
  check("3us", 3000);
  check("3µs", 3000);
  check("3μs", 3000);
  check("10ns", 10);
  check("2562047h47m16.854775807s", std::numeric_limits<int64_t>::max());
  check("-2562047h47m16.854775808s", std::numeric_limits<int64_t>::min());
  for (std::string_view bad : {"", "1", "s", "-", "1x", ".s", "2562047h47m16.854775808s",
                               "9999999999999999999h", "1h-2m"}) {
    CHECK_MESSAGE(!ParseDuration(bad).ok(), bad);
  }
  for (int64_t v : {int64_t{1}, int64_t{999}, int64_t{1500}, int64_t{-3723500000000},
                    std::numeric_limits<int64_t>::min()}) {
    CHECK(*ParseDuration(FormatDuration(v)) == v);
  }
}

TEST_CASE("base64 is the standard alphabet with padding") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode(std::string("\xfb\xff", 2)) == "+/8=");
  for (std::string text :
       {std::string(), std::string("f"), std::string("fooba"), std::string("\x00\xff\x80", 3)}) {
    CHECK(*Base64Decode(Base64Encode(text)) == text);
  }
  CHECK(*Base64Decode("Zm9v\r\nYmFy") == "foobar");
  for (std::string_view bad : {"Zg", "Zg=", "Z===", "Zm9v!", "-_8=", "Zg==Zg=="}) {
    CHECK_MESSAGE(!Base64Decode(bad).ok(), bad);
  }
}

}  // namespace
}  // namespace mini::cluster::api::protobuf
