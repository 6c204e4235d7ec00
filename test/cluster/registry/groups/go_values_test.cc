#include "cluster/registry/apps/go_values.h"

#include <doctest/doctest.h>

#include "cluster/registry/apps/workload.h"
#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry::apps {
namespace {

namespace json = boost::json;
using testing::Json;

TEST_CASE("Go renders string maps sorted by key, and absent ones as nil") {
  json::value labels = json::parse(R"({"tier":"front","app":"web"})");
  CHECK(GoStringMap(&labels) == R"(map[string]string{"app":"web", "tier":"front"})");
  json::value empty = json::object();
  CHECK(GoStringMap(&empty) == "map[string]string{}");
  CHECK(GoStringMap(nullptr) == "map[string]string(nil)");
}

TEST_CASE("Go renders label selectors as upstream's immutable-field message shows them") {
  json::value selector = json::parse(R"({"matchLabels":{"app":"web"}})");
  CHECK(GoLabelSelector(&selector) ==
        R"(v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, )"
        R"(MatchExpressions:[]v1.LabelSelectorRequirement(nil)})");
  json::value expressions = json::parse(
      R"({"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},
                              {"key":"x","operator":"Exists"}]})");
  CHECK(GoLabelSelector(&expressions) ==
        R"(v1.LabelSelector{MatchLabels:map[string]string(nil), )"
        R"(MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{)"
        R"(Key:"tier", Operator:"In", Values:[]string{"a", "b"}}, )"
        R"(v1.LabelSelectorRequirement{Key:"x", Operator:"Exists", Values:[]string(nil)}}})");
  CHECK(GoLabelSelector(nullptr) == "null");
}

TEST_CASE("Go renders IntOrString with its type tag") {
  CHECK(GoIntOrString(json::value("25%")) ==
        R"(intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"})");
  CHECK(GoIntOrString(json::value(3)) == R"(intstr.IntOrString{Type:0, IntVal:3, StrVal:""})");
}

TEST_CASE("Go quoting escapes quotes, backslashes and control characters") {
  CHECK(GoQuote("a\"b\\c\n\x01") == R"("a\"b\\c\n\x01")");
}

TEST_CASE("an error without a value reads as upstream's OmitValueType") {
  CHECK(InvalidOmitValue("spec.x", "is wrong").ToString() == "spec.x: Invalid value: is wrong");
}

TEST_CASE("semantic equality treats absent, null and empty collections alike") {
  json::value a = json::parse(R"({"labels":{},"list":[],"x":null,"y":1})");
  json::value b = json::parse(R"({"y":1})");
  CHECK(SemanticEqual(&a, &b));
  json::value c = json::parse(R"({"y":2})");
  CHECK_FALSE(SemanticEqual(&a, &c));
  CHECK(SemanticEqual(nullptr, &b) == false);
  json::value empty = json::object();
  CHECK(SemanticEqual(nullptr, &empty));
}

TEST_CASE("kubectl's selector text, <none> and <error>") {
  json::value selector = json::parse(
      R"({"matchLabels":{"b":"2","a":"1"},"matchExpressions":[{"key":"c","operator":"NotIn","values":["x"]}]})");
  CHECK(FormatSelector(&selector) == "a=1,b=2,c notin (x)");
  json::value empty = json::object();
  CHECK(FormatSelector(&empty) == "<none>");
  CHECK(FormatSelector(nullptr) == "<none>");
  json::value bad = json::parse(R"({"matchExpressions":[{"key":"c","operator":"Foo"}]})");
  CHECK(FormatSelector(&bad) == "<error>");
}

TEST_CASE("label selectors are checked field by field as upstream") {
  FieldErrors errors;
  json::value selector = json::parse(
      R"({"matchLabels":{"app":"-bad"},
          "matchExpressions":[{"key":"a","operator":"In"},
                              {"key":"b","operator":"Exists","values":["x"]},
                              {"key":"c","operator":"Foo"}]})");
  ValidateLabelSelector(&selector, "spec.selector", errors);
  std::vector<std::string> lines = testing::Lines(errors);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind("spec.selector.matchLabels: Invalid value: \"-bad\": a valid label must",
                       0) == 0);
  CHECK(lines[1] ==
        "spec.selector.matchExpressions[0].values: Required value: must be specified "
        "when `operator` is 'In' or 'NotIn'");
  CHECK(lines[2] ==
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified "
        "when `operator` is 'Exists' or 'DoesNotExist'");
  CHECK(lines[3] ==
        "spec.selector.matchExpressions[2].operator: Invalid value: \"Foo\": not a "
        "valid selector operator");
}

TEST_CASE("IntOrString limits: percentages, counts and the 100% ceiling") {
  FieldErrors errors;
  ValidatePositiveIntOrPercent(json::value("abc"), "x", errors);
  ValidatePositiveIntOrPercent(json::value(-1), "y", errors);
  ValidatePositiveIntOrPercent(json::value("30%"), "z", errors);
  ValidateNotMoreThan100Percent(json::value("101%"), "w", errors);
  std::vector<std::string> lines = testing::Lines(errors);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == R"(x: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"abc"}: a )"
                    R"(valid percent string must be a numeric string followed by an ending '%' )"
                    R"((e.g. '1%',  or '93%', regex used for validation is '[0-9]+%'))");
  CHECK(lines[1] == "y: Invalid value: -1: must be greater than or equal to 0");
  CHECK(lines[2] == R"(w: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: )"
                    R"(must not be greater than 100%)");
  CHECK(IntOrPercentValue(json::value("25%")) == 25);
  CHECK(IntOrPercentValue(json::value(4)) == 4);
  CHECK(IntOrStringText(json::value(4)) == "4");
}

}  // namespace
}  // namespace mini::cluster::registry::apps
