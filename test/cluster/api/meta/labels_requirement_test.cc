#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/api/meta/labels.h"
#include "test/cluster/api/meta/label_messages.h"

namespace mini::api::meta {
namespace {

using testing::kLabelValueError;
using testing::kNamePartError;

const std::string kNotInteger = "for 'Gt', 'Lt' operators, the value must be an integer";

}  // namespace

TEST_SUITE("api/meta/labels") {
  TEST_CASE("MakeLabelRequirement checks the value count of each operator") {
    struct Case {
      LabelOperator op;
      std::vector<std::string> values;
      std::string message;
    };
    const std::vector<Case> cases = {
        {LabelOperator::kIn,
         {},
         "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be "
         "empty"},
        {LabelOperator::kEquals,
         {"a", "b"},
         "values: Invalid value: []string{\"a\", \"b\"}: exact-match compatibility requires one "
         "single value"},
        {LabelOperator::kExists,
         {"a"},
         "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does "
         "not exist"},
        {LabelOperator::kLessThan,
         {"1", "2"},
         "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one "
         "value is required"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.message);
      Result<LabelRequirement> r = MakeLabelRequirement("k", c.op, c.values);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().message() == c.message);
    }
  }

  TEST_CASE("MakeLabelRequirement aggregates several problems") {
    Result<LabelRequirement> r = MakeLabelRequirement("-k", LabelOperator::kGreaterThan, {"x"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "[key: Invalid value: \"-k\": " + kNamePartError +
                                      ", values[0]: Invalid value: \"x\": " + kNotInteger + "]");
  }

  TEST_CASE("MakeLabelRequirement sorts and deduplicates values") {
    Result<LabelRequirement> r = MakeLabelRequirement("k", LabelOperator::kIn, {"b", "a", "b"});
    REQUIRE(r.ok());
    CHECK(r->values == std::vector<std::string>{"a", "b"});
    CHECK(r->String() == "k in (a,b)");
    CHECK(r->MatchesValue("b"));
    CHECK_FALSE(r->MatchesValue("c"));
    CHECK_FALSE(r->MatchesValue(std::nullopt));
  }

  TEST_CASE("integer comparisons accept a leading plus as upstream does") {
    LabelRequirement r{"n", LabelOperator::kGreaterThan, {"+5"}};
    CHECK(r.MatchesValue("6"));
    CHECK_FALSE(r.MatchesValue("5"));
    CHECK_FALSE(r.MatchesValue("+-6"));
    CHECK_FALSE(r.MatchesValue("6x"));
    LabelRequirement lt{"n", LabelOperator::kLessThan, {"0"}};
    CHECK(lt.MatchesValue("-1"));
    CHECK_FALSE(lt.MatchesValue("0"));
  }
}

}  // namespace mini::api::meta
