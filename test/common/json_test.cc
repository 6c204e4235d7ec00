#include "common/json.h"

#include <doctest/doctest.h>

namespace mini {

TEST_SUITE("common/json") {
  TEST_CASE("ParseJson names the source when the text is not JSON") {
    auto r = ParseJson("{\"a\": ", "profiles/x/config.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().find("profiles/x/config.json") != std::string::npos);
  }

  TEST_CASE("PrettyJson indents nested values and round-trips") {
    auto v = ParseJson(R"({"Name":"mini","Nodes":[{"IP":"10.0.0.1"}],"Empty":{},"N":3})", "t");
    REQUIRE(v.ok());
    std::string text = PrettyJson(*v);
    CHECK(text ==
          "{\n  \"Name\": \"mini\",\n  \"Nodes\": [\n    {\n      \"IP\": \"10.0.0.1\"\n    }\n"
          "  ],\n  \"Empty\": {},\n  \"N\": 3\n}\n");
    CHECK(ParseJson(text, "again").value() == *v);
  }

  TEST_CASE("typed getters explain a missing or mistyped field") {
    auto v = ParseJson(R"({"s":"x","i":5,"wrong":"5"})", "t");
    REQUIRE(v.ok());
    const auto& o = v->get_object();
    CHECK(GetString(o, "s").value() == "x");
    CHECK(GetInt(o, "i").value() == 5);
    CHECK(GetInt(o, "wrong").status().message() == "field \"wrong\" is missing or not an integer");
    CHECK(GetString(o, "none").status().code() == Code::kInvalidArgument);
  }
}

}  // namespace mini
