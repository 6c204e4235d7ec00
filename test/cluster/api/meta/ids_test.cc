#include "cluster/api/meta/ids.h"

#include <doctest/doctest.h>

#include <array>
#include <set>
#include <string>

namespace mini::api::meta {
namespace {

using std::chrono::system_clock;
using namespace std::chrono_literals;

// 2024-01-02T03:04:05Z, computed independently of the code under test.
constexpr int64_t kJan2Seconds = 1704164645;

system_clock::time_point At(int64_t seconds, std::chrono::nanoseconds extra = 0ns) {
  return system_clock::time_point(std::chrono::seconds(seconds)) + extra;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

TEST_SUITE("api/meta/ids") {
  TEST_CASE("NewUid is lowercase 8-4-4-4-12 hex with version 4 and the RFC 4122 variant") {
    std::set<std::string> seen;
    std::array<int, 4> variants{};  // counts of the four allowed variant characters
    for (int i = 0; i < 10000; ++i) {
      std::string uid = NewUid();
      REQUIRE(uid.size() == 36);
      for (size_t j = 0; j < uid.size(); ++j) {
        if (j == 8 || j == 13 || j == 18 || j == 23) {
          REQUIRE(uid[j] == '-');
        } else {
          REQUIRE(IsLowerHex(uid[j]));
        }
      }
      REQUIRE(uid[14] == '4');
      size_t variant = std::string_view("89ab").find(uid[19]);
      REQUIRE(variant != std::string_view::npos);
      ++variants[variant];
      seen.insert(uid);
    }
    CHECK(seen.size() == 10000);  // 122 random bits: a repeat means the source is broken
    for (int count : variants) CHECK(count > 2000);  // the two free variant bits are random
  }

  TEST_CASE("FillRandom fills every byte") {
    // The chance that one of 64 positions stays zero over 8 draws is 64 / 2^64.
    std::array<unsigned char, 64> seen_nonzero{};
    for (int i = 0; i < 8; ++i) {
      std::array<unsigned char, 64> bytes{};
      FillRandom(bytes);
      for (size_t j = 0; j < bytes.size(); ++j) seen_nonzero[j] |= bytes[j];
    }
    for (unsigned char b : seen_nonzero) CHECK(b != 0);
  }

  TEST_CASE("Rfc3339 prints UTC seconds with Z and drops the fraction") {
    CHECK(Rfc3339(At(0)) == "1970-01-01T00:00:00Z");
    CHECK(Rfc3339(At(kJan2Seconds)) == "2024-01-02T03:04:05Z");
    CHECK(Rfc3339(At(kJan2Seconds, 999999999ns)) == "2024-01-02T03:04:05Z");
    CHECK(Rfc3339(At(951782400)) == "2000-02-29T00:00:00Z");
    CHECK(Rfc3339(At(-1)) == "1969-12-31T23:59:59Z");
    CHECK(Rfc3339(At(-1, 500ms)) == "1969-12-31T23:59:59Z");  // floor, not toward zero
  }

  TEST_CASE("Rfc3339Micro prints six fractional digits") {
    CHECK(Rfc3339Micro(At(kJan2Seconds, 123456789ns)) == "2024-01-02T03:04:05.123456Z");
    CHECK(Rfc3339Micro(At(kJan2Seconds)) == "2024-01-02T03:04:05.000000Z");
    CHECK(Rfc3339Micro(At(kJan2Seconds, 7us)) == "2024-01-02T03:04:05.000007Z");
    CHECK(Rfc3339Micro(At(-1, 250ms)) == "1969-12-31T23:59:59.250000Z");
  }

  TEST_CASE("Rfc3339Now is the current time") {
    auto before = std::chrono::floor<std::chrono::seconds>(system_clock::now());
    std::string now = Rfc3339Now();
    auto after = system_clock::now();
    auto parsed = ParseRfc3339(now);
    REQUIRE(parsed.ok());
    CHECK(*parsed >= before);
    CHECK(*parsed <= after);
    CHECK(now.ends_with("Z"));
  }

  TEST_CASE("ParseRfc3339 reads both precisions and offsets") {
    CHECK(ParseRfc3339("2024-01-02T03:04:05Z").value() == At(kJan2Seconds));
    CHECK(ParseRfc3339("2024-01-02T03:04:05.123456Z").value() == At(kJan2Seconds, 123456us));
    CHECK(ParseRfc3339("2024-01-02T03:04:05.5Z").value() == At(kJan2Seconds, 500ms));
    CHECK(ParseRfc3339("2024-01-02T03:04:05.123456789Z").value() == At(kJan2Seconds, 123456789ns));
    CHECK(ParseRfc3339("2024-01-02T05:04:05+02:00").value() == At(kJan2Seconds));
    CHECK(ParseRfc3339("2024-01-01T21:34:05-05:30").value() == At(kJan2Seconds));
    CHECK(ParseRfc3339("2024-01-02t03:04:05z").value() == At(kJan2Seconds));
    CHECK(ParseRfc3339("2024-01-02T03:04:05+00:00").value() == At(kJan2Seconds));
    CHECK(ParseRfc3339("1969-12-31T23:59:59Z").value() == At(-1));
    CHECK(ParseRfc3339("2024-02-29T00:00:00Z").ok());
  }

  TEST_CASE("timestamps round-trip through text") {
    for (int64_t s : {int64_t{0}, kJan2Seconds, int64_t{-86400 * 365}, int64_t{4102444799}}) {
      CAPTURE(s);
      CHECK(ParseRfc3339(Rfc3339(At(s))).value() == At(s));
      CHECK(ParseRfc3339(Rfc3339Micro(At(s, 654321us))).value() == At(s, 654321us));
    }
    auto now = std::chrono::floor<std::chrono::microseconds>(system_clock::now());
    CHECK(ParseRfc3339(Rfc3339Micro(now)).value() == now);
  }

  TEST_CASE("ParseRfc3339 rejects malformed and impossible times") {
    for (const char* bad : {"",
                            "2024-01-02",
                            "2024-01-02T03:04:05",
                            "2024-01-02 03:04:05Z",
                            "2024-1-02T03:04:05Z",
                            "2024-01-02T03:04:05.Z",
                            "2024-01-02T03:04:05.1234567890Z",
                            "2024-01-02T03:04:05+0200",
                            "2024-01-02T03:04:05+02",
                            "2024-01-02T03:04:05Zjunk",
                            "2024-01-02T03:04:05Z ",
                            "2023-02-29T00:00:00Z",
                            "2024-13-01T00:00:00Z",
                            "2024-00-10T00:00:00Z",
                            "2024-04-31T00:00:00Z",
                            "2024-01-00T00:00:00Z",
                            "2024-01-02T24:00:00Z",
                            "2024-01-02T03:60:00Z",
                            "2024-01-02T03:04:60Z",
                            "2024-01-02T03:04:05+24:00",
                            "2024-01-02T03:04:05+01:60",
                            "9999-12-31T23:59:59Z",
                            "1000-01-01T00:00:00Z",
                            "2024-01-02T03:04:0xZ",
                            "+024-01-02T03:04:05Z"}) {
      CAPTURE(bad);
      auto parsed = ParseRfc3339(bad);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().code() == Code::kInvalidArgument);
    }
    CHECK(ParseRfc3339("yesterday").status().message() == "\"yesterday\" is not an RFC 3339 time");
  }
}

}  // namespace mini::api::meta
