#include "cluster/api/openapi/canonical_json.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;

TEST_SUITE("api/openapi/canonical_json") {
  TEST_CASE("object keys come out sorted at every depth and arrays keep their order") {
    json::value value =
        json::parse(R"({"b":1,"a":{"z":[3,1,2],"y":null},"c":[{"k":true,"j":false}]})");
    CHECK(CanonicalJson(value) ==
          R"({"a":{"y":null,"z":[3,1,2]},"b":1,"c":[{"j":false,"k":true}]})");
  }

  TEST_CASE("equal documents built in different orders give equal bytes") {
    json::object one{{"x", 1}, {"y", json::object{{"p", "q"}, {"r", "s"}}}};
    json::object two{{"y", json::object{{"r", "s"}, {"p", "q"}}}, {"x", 1}};
    CHECK(CanonicalJson(one) == CanonicalJson(two));
  }

  TEST_CASE("strings are escaped as JSON requires and UTF-8 passes through") {
    json::value value = json::string("a\"b\\c\nd\te\x01 \xc3\xa9");
    CHECK(CanonicalJson(value) == "\"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa9\"");
    // The output parses back to the same value.
    CHECK(json::parse(CanonicalJson(value)) == value);
  }

  TEST_CASE("numbers keep their kind") {
    json::value value = json::parse(R"([-7, 18446744073709551615, 1.5, 0])");
    CHECK(CanonicalJson(value) == "[-7,18446744073709551615,1.5E0,0]");
  }

  TEST_CASE("ContentHash is uppercase hex SHA-512") {
    // FIPS 180-2's test vector for "abc".
    CHECK(ContentHash("abc") ==
          "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A"
          "2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F");
    CHECK(ContentHash("").size() == 128);
    CHECK(ContentHash("a") != ContentHash("b"));
  }
}

}  // namespace
}  // namespace mini::cluster::api::openapi
