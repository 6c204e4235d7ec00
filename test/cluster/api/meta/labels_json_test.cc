#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/api/meta/labels.h"
#include "test/cluster/api/meta/label_messages.h"

namespace mini::api::meta {
namespace {

using testing::kLabelValueError;
using testing::kNamePartError;

const std::string kExpr = "spec.selector.matchExpressions";

Result<LabelSelector> FromText(std::string_view json) {
  return LabelSelector::FromJson(boost::json::parse(json).as_object(), "spec.selector");
}

struct Case {
  std::string json;
  std::string expected;  // canonical String() when valid, the message when not
};

const std::vector<Case> kValid = {
    {R"({})", ""},
    {R"({"matchLabels":null,"matchExpressions":null})", ""},
    {R"({"matchLabels":{},"matchExpressions":[]})", ""},
    {R"({"matchLabels":{"app":"web"}})", "app=web"},
    {R"({"matchLabels":{"app":""}})", "app="},
    {R"({"matchLabels":{"b":"1","a":"2"},
         "matchExpressions":[{"key":"c","operator":"In","values":["y","x","y"]},
                             {"key":"d","operator":"NotIn","values":["z"]},
                             {"key":"e","operator":"Exists"},
                             {"key":"f","operator":"DoesNotExist","values":[]}]})",
     "a=2,b=1,c in (x,y),d notin (z),e,!f"},
    {R"({"matchExpressions":[{"key":"app.kubernetes.io/name","operator":"In","values":[""]}]})",
     "app.kubernetes.io/name in ()"},
};

const std::vector<Case> kInvalid = {
    {R"({"matchExpressions":[{"key":"a","operator":"Foo","values":["x"]}]})",
     kExpr + "[0].operator: Unsupported value: \"Foo\": supported values: \"DoesNotExist\", "
             "\"Exists\", \"In\", \"NotIn\""},
    {R"({"matchExpressions":[{"key":"a"}]})",
     kExpr + "[0].operator: Unsupported value: \"\": supported values: \"DoesNotExist\", "
             "\"Exists\", \"In\", \"NotIn\""},
    {R"({"matchExpressions":[{"key":"a","operator":"in","values":["x"]}]})",
     kExpr + "[0].operator: Unsupported value: \"in\": supported values: \"DoesNotExist\", "
             "\"Exists\", \"In\", \"NotIn\""},
    {R"({"matchExpressions":[{"key":"a","operator":"In"}]})",
     kExpr + "[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"},
    {R"({"matchExpressions":[{"key":"a","operator":"NotIn","values":[]}]})",
     kExpr + "[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"},
    {R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})",
     kExpr + "[0].values: Forbidden: may not be specified when `operator` is 'Exists' or "
             "'DoesNotExist'"},
    {R"({"matchExpressions":[{"key":"a","operator":"Exists"},
                             {"key":"-x","operator":"Exists"}]})",
     kExpr + "[1].key: Invalid value: \"-x\": " + kNamePartError},
    {R"({"matchExpressions":[{"operator":"Exists"}]})",
     "[" + kExpr + "[0].key: Invalid value: \"\": name part must be non-empty, " + kExpr +
         "[0].key: Invalid value: \"\": " + kNamePartError + "]"},
    {R"({"matchExpressions":[{"key":"a","operator":"In","values":["ok","a b"]}]})",
     kExpr + "[0].values[1]: Invalid value: \"a b\": " + kLabelValueError},
    {R"({"matchLabels":{"a b":"x"}})",
     "spec.selector.matchLabels: Invalid value: \"a b\": " + kNamePartError},
    {R"({"matchLabels":{"a":"-v"}})",
     "spec.selector.matchLabels: Invalid value: \"-v\": " + kLabelValueError},
    {R"({"matchLabels":[]})",
     "spec.selector.matchLabels: Invalid value: []: must be of type object"},
    {R"({"matchLabels":{"app":5}})",
     "spec.selector.matchLabels.app: Invalid value: 5: must be of type string"},
    {R"({"matchExpressions":{}})",
     "spec.selector.matchExpressions: Invalid value: {}: must be of type array"},
    {R"({"matchExpressions":["x"]})", kExpr + "[0]: Invalid value: \"x\": must be of type object"},
    {R"({"matchExpressions":[{"key":7,"operator":"Exists"}]})",
     "[" + kExpr + "[0].key: Invalid value: 7: must be of type string, " + kExpr +
         "[0].key: Invalid value: \"\": name part must be non-empty, " + kExpr +
         "[0].key: Invalid value: \"\": " + kNamePartError + "]"},
    {R"({"matchExpressions":[{"key":"a","operator":"In","values":"x"}]})",
     "[" + kExpr + "[0].values: Invalid value: \"x\": must be of type array, " + kExpr +
         "[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn']"},
    {R"({"matchExpressions":[{"key":"a","operator":"In","values":["x",true]}]})",
     kExpr + "[0].values[1]: Invalid value: true: must be of type string"},
    {R"({"matchLabels":{"a":"-v"},"matchExpressions":[{"key":"b","operator":"Foo"}]})",
     "[spec.selector.matchLabels: Invalid value: \"-v\": " + kLabelValueError + ", " + kExpr +
         "[0].operator: Unsupported value: \"Foo\": supported values: \"DoesNotExist\", "
         "\"Exists\", \"In\", \"NotIn\"]"},
};

}  // namespace

TEST_SUITE("api/meta/labels") {
  TEST_CASE("FromJson turns matchLabels and matchExpressions into a canonical selector") {
    for (const Case& c : kValid) {
      CAPTURE(c.json);
      Result<LabelSelector> s = FromText(c.json);
      REQUIRE_MESSAGE(s.ok(), s.status().ToString());
      CHECK(s->String() == c.expected);
      CHECK(s->Empty() == c.expected.empty());
    }
  }

  TEST_CASE("FromJson errors name the offending field") {
    for (const Case& c : kInvalid) {
      CAPTURE(c.json);
      Result<LabelSelector> s = FromText(c.json);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == Code::kInvalidArgument);
      CHECK(s.status().message() == c.expected);
    }
  }

  TEST_CASE("a selector from JSON matches like the same selector parsed from text") {
    Result<LabelSelector> s = FromText(
        R"({"matchLabels":{"app":"web"},
            "matchExpressions":[{"key":"tier","operator":"NotIn","values":["db"]},
                                {"key":"canary","operator":"DoesNotExist"}]})");
    REQUIRE(s.ok());
    Result<LabelSelector> text = LabelSelector::Parse(s->String());
    REQUIRE(text.ok());
    const std::vector<std::pair<Labels, bool>> cases = {
        {{{"app", "web"}}, true},
        {{{"app", "web"}, {"tier", "front"}}, true},
        {{{"app", "web"}, {"tier", "db"}}, false},
        {{{"app", "web"}, {"canary", "1"}}, false},
        {{{"app", "db"}}, false},
        {{}, false},
    };
    for (const auto& [labels, expected] : cases) {
      CAPTURE(LabelSelector::FromLabels(labels).String());
      CHECK(s->Matches(labels) == expected);
      CHECK(text->Matches(labels) == expected);
    }
  }

  TEST_CASE("FromJson uses the given path in its messages") {
    Result<LabelSelector> s = LabelSelector::FromJson(
        boost::json::parse(R"({"matchExpressions":[{"key":"a","operator":"Nope"}]})").as_object(),
        "spec.podSelector");
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().starts_with("spec.podSelector.matchExpressions[0].operator: "));
  }
}

}  // namespace mini::api::meta
