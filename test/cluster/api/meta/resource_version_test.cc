#include "cluster/api/meta/resource_version.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

namespace mini::api::meta {
namespace {

using Kind = ResourceVersion::Kind;

ResourceVersion Revision(int64_t n) { return {Kind::kRevision, n}; }

// Base64url without padding of `text`, written out by hand for the tests below.
std::string Token(std::string_view json) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int bits = 0;
  uint32_t buffer = 0;
  for (unsigned char c : json) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::string DecodeError(std::string_view token) {
  auto decoded = DecodeContinue(token);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kInvalidArgument);
  return decoded.status().message();
}

}  // namespace

TEST_SUITE("api/meta/resource_version") {
  TEST_CASE("ParseResourceVersion tells unset, any and a revision apart") {
    CHECK(ParseResourceVersion("").value() == ResourceVersion{Kind::kUnset, 0});
    CHECK(ParseResourceVersion("0").value() == ResourceVersion{Kind::kAny, 0});
    CHECK(ParseResourceVersion("00").value() == ResourceVersion{Kind::kAny, 0});
    CHECK(ParseResourceVersion("1").value() == Revision(1));
    CHECK(ParseResourceVersion("42").value() == Revision(42));
    CHECK(ParseResourceVersion("007").value() == Revision(7));
    CHECK(ParseResourceVersion("9223372036854775807").value() == Revision(INT64_MAX));
  }

  TEST_CASE("ParseResourceVersion rejects what is not a revision") {
    for (const char* bad : {"abc", "-1", "+1", " 1", "1 ", "1.0", "0x10", "1e3",
                            "9223372036854775808", "99999999999999999999", "12a"}) {
      CAPTURE(bad);
      auto parsed = ParseResourceVersion(bad);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().code() == Code::kInvalidArgument);
    }
    CHECK(ParseResourceVersion("abc").status().message() ==
          "resourceVersion: Invalid value: \"abc\": must be a valid resource version");
    CHECK(ParseResourceVersion("a\"b\n").status().message() ==
          "resourceVersion: Invalid value: \"a\\\"b\\x0a\": must be a valid resource version");
  }

  TEST_CASE("FormatResourceVersion is the decimal revision") {
    CHECK(FormatResourceVersion(1) == "1");
    CHECK(FormatResourceVersion(1234567890123) == "1234567890123");
    CHECK(ParseResourceVersion(FormatResourceVersion(INT64_MAX)).value() == Revision(INT64_MAX));
  }

  TEST_CASE("resourceVersionMatch accepts NotOlderThan and Exact with a resourceVersion") {
    CHECK(ParseResourceVersionMatch("", {}, false, false).value() == ResourceVersionMatch::kUnset);
    CHECK(ParseResourceVersionMatch("", {}, true, true).value() == ResourceVersionMatch::kUnset);
    CHECK(ParseResourceVersionMatch("NotOlderThan", Revision(5), false, false).value() ==
          ResourceVersionMatch::kNotOlderThan);
    CHECK(ParseResourceVersionMatch("NotOlderThan", {Kind::kAny, 0}, false, false).value() ==
          ResourceVersionMatch::kNotOlderThan);
    CHECK(ParseResourceVersionMatch("Exact", Revision(5), false, false).value() ==
          ResourceVersionMatch::kExact);
  }

  TEST_CASE("resourceVersionMatch errors use upstream's field wording") {
    auto message = [](std::string_view match, ResourceVersion rv, bool has_continue, bool watch) {
      auto r = ParseResourceVersionMatch(match, rv, has_continue, watch);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kInvalidArgument);
      return r.status().message();
    };
    CHECK(message("Exact", {}, false, false) ==
          "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
          "resourceVersion is provided");
    CHECK(message("NotOlderThan", Revision(3), true, false) ==
          "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is "
          "provided");
    CHECK(message("exact", Revision(3), false, false) ==
          "resourceVersionMatch: Unsupported value: \"exact\": supported values: \"Exact\", "
          "\"NotOlderThan\", \"\"");
    CHECK(message("Exact", {Kind::kAny, 0}, false, false) ==
          "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for "
          "resourceVersion \"0\"");
    CHECK(message("Exact", Revision(3), false, true) ==
          "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
          "sendInitialEvents is provided");
    // Several problems at once are all reported, in brackets as upstream aggregates them.
    std::string both = message("Newest", {}, true, false);
    CHECK(
        both.starts_with("[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden "
                         "unless resourceVersion is provided, "));
    CHECK(both.find("forbidden when continue is provided, ") != std::string::npos);
    CHECK(
        both.ends_with("Unsupported value: \"Newest\": supported values: \"Exact\", "
                       "\"NotOlderThan\", \"\"]"));
  }

  TEST_CASE("continue tokens have upstream's shape") {
    std::string token = EncodeContinue(42, std::string("web-1\0", 6));
    CHECK(token.find('=') == std::string::npos);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_") == std::string::npos);
    CHECK(token == Token(R"({"v":"meta.k8s.io/v1","rv":42,"start":"web-1\u0000"})"));
    // A token made by upstream's encoder for the same page decodes to the same place.
    auto decoded = DecodeContinue(Token(R"({"v":"meta.k8s.io/v1","rv":42,"start":"web-1\u0000"})"));
    REQUIRE(decoded.ok());
    CHECK(decoded->revision == 42);
    CHECK(decoded->start_key == std::string("web-1\0", 6));
  }

  TEST_CASE("continue tokens round-trip binary-ish keys and every padding length") {
    std::string all_bytes;
    for (int c = 1; c < 256; ++c) {
      if (c != '/') all_bytes += static_cast<char>(c);
    }
    for (std::string key :
         {std::string("a"), std::string("ab"), std::string("abc"), std::string("abcd"),
          std::string("default/nginx\0", 14), std::string("ns/\"quoted\"\\"),
          std::string("\xff\xfe\x80 invalid utf-8"), std::string("\xe2\x82\xac euro"),
          std::string("\x01\x02\x1f"), all_bytes, std::string(5000, 'k')}) {
      for (int64_t rv : {int64_t{1}, int64_t{987654321}, INT64_MAX}) {
        CAPTURE(key);
        auto decoded = DecodeContinue(EncodeContinue(rv, key));
        REQUIRE(decoded.ok());
        CHECK(*decoded == ContinueToken{rv, key});
      }
    }
  }

  TEST_CASE("DecodeContinue tolerates padding and a leading slash") {
    std::string json = R"({"v":"meta.k8s.io/v1","rv":7,"start":"a"})";
    std::string token = Token(json);
    REQUIRE(token.size() % 4 != 0);
    token.append(4 - token.size() % 4, '=');
    CHECK(DecodeContinue(token).value() == ContinueToken{7, "a"});
    CHECK(DecodeContinue(Token(R"({"v":"meta.k8s.io/v1","rv":7,"start":"/ns/a"})")).value() ==
          ContinueToken{7, "ns/a"});
  }

  TEST_CASE("DecodeContinue rejects garbage") {
    CHECK(DecodeError("").starts_with("continue key is not valid: "));
    CHECK(DecodeError("not base64!") == "continue key is not valid: not base64url");
    CHECK(DecodeError("abcde") == "continue key is not valid: not base64url");
    CHECK(DecodeError("a+b/") == "continue key is not valid: not base64url");
    CHECK(DecodeError(Token("{\"v\":")).starts_with("continue key is not valid: "));
    CHECK(DecodeError(Token("[1,2]")) == "continue key is not valid: not a JSON object");
    CHECK(DecodeError(Token(R"({"v":"meta.k8s.io/v2","rv":1,"start":"a"})")) ==
          "continue key is not valid: server does not recognize this encoded version "
          "\"meta.k8s.io/v2\"");
    CHECK(DecodeError(Token(R"({"rv":1,"start":"a"})")) ==
          "continue key is not valid: server does not recognize this encoded version \"\"");
    for (const char* rv : {"0", "-5", "\"5\"", "1.5", "18446744073709551615", "null"}) {
      CAPTURE(rv);
      std::string json = std::string(R"({"v":"meta.k8s.io/v1","start":"a","rv":)") + rv + "}";
      CHECK(DecodeError(Token(json)) ==
            "continue key is not valid: incorrect encoded start "
            "resourceVersion (version meta.k8s.io/v1)");
    }
    for (const char* start : {R"("start":"")", R"("start":5)", R"("x":"a")"}) {
      CAPTURE(start);
      std::string json = std::string(R"({"v":"meta.k8s.io/v1","rv":3,)") + start + "}";
      CHECK(DecodeError(Token(json)) ==
            "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
    }
  }

  TEST_CASE("DecodeContinue refuses keys that would leave the resource prefix") {
    for (const char* key : {"..", "../secrets/x", "a/../../b", "./a", "a/.", "a//b", "a/", "/.."}) {
      CAPTURE(key);
      boost::json::object token{{"v", "meta.k8s.io/v1"}, {"rv", 9}, {"start", key}};
      std::string message = DecodeError(Token(boost::json::serialize(token)));
      CHECK(message == "continue key is not valid: \"" + std::string(key) + "\"");
    }
    CHECK(DecodeContinue(EncodeContinue(9, "a..b/.c/d.")).value() ==
          ContinueToken{9, "a..b/.c/d."});
  }
}

}  // namespace mini::api::meta
