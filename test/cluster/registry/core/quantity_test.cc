#include "cluster/registry/core/quantity.h"

#include <doctest/doctest.h>

namespace mini::cluster::registry::core {
namespace {

std::string Canonical(std::string_view text) {
  std::optional<Quantity> quantity = ParseQuantity(text);
  REQUIRE_MESSAGE(quantity.has_value(), text);
  return FormatQuantity(*quantity);
}

}  // namespace

TEST_SUITE("registry/core/quantity") {
  TEST_CASE("quantities print in the canonical form kubectl shows") {
    CHECK(Canonical("500m") == "500m");
    CHECK(Canonical("0.5") == "500m");
    CHECK(Canonical("1000m") == "1");
    CHECK(Canonical("1Gi") == "1Gi");
    CHECK(Canonical("1024Mi") == "1Gi");
    CHECK(Canonical("1.5Gi") == "1536Mi");
    CHECK(Canonical("100Mi") == "100Mi");
    CHECK(Canonical("1500000") == "1500k");
    CHECK(Canonical("1e3") == "1e3");
    CHECK(Canonical("0") == "0");
    CHECK(Canonical("512") == "512");
    CHECK(Canonical("-1") == "-1");
  }

  TEST_CASE("quantities compare by value whatever their suffix") {
    CHECK(CompareQuantities(*ParseQuantity("1Gi"), *ParseQuantity("1073741824")) == 0);
    CHECK(CompareQuantities(*ParseQuantity("100m"), *ParseQuantity("0.1")) == 0);
    CHECK(CompareQuantities(*ParseQuantity("1"), *ParseQuantity("999m")) > 0);
    CHECK(CompareQuantities(*ParseQuantity("1Ki"), *ParseQuantity("1k")) > 0);
  }

  TEST_CASE("malformed quantities are refused") {
    for (const char* text : {"", "abc", "1.2.3", "5Xi", "1 Gi", "+", ".", "1e", "m"}) {
      CAPTURE(text);
      CHECK_FALSE(ParseQuantity(text).has_value());
    }
  }
}

}  // namespace mini::cluster::registry::core
