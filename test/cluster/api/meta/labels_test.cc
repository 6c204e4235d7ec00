#include "cluster/api/meta/labels.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test/cluster/api/meta/label_messages.h"

namespace mini::api::meta {
namespace {

using testing::kLabelValueError;
using testing::kNamePartError;

const std::string kNotInteger = "for 'Gt', 'Lt' operators, the value must be an integer";
const std::string kBadOperator = "expected: in, notin, =, ==, !=, gt, lt";

struct ParseCase {
  std::string text;
  std::string canonical;
};

// Valid selectors and the canonical form each one prints as.
const std::vector<ParseCase> kValid = {
    {"", ""},
    {"   ", ""},
    {"x=a", "x=a"},
    {"x==a", "x==a"},
    {"x!=a", "x!=a"},
    {"x", "x"},
    {"!x", "!x"},
    {" ! x ", "!x"},
    {"x in (b,a)", "x in (a,b)"},
    {"x in(a)", "x in (a)"},
    {"x notin (a)", "x notin (a)"},
    {"x notin(b, a)", "x notin (a,b)"},
    {"x in (a,a,b)", "x in (a,b)"},
    {"x in ()", "x in ()"},
    {"x in (,a)", "x in (,a)"},
    {"x in (a,)", "x in (,a)"},
    {"x in (a,,b)", "x in (,a,b)"},
    {"x>5", "x>5"},
    {"x<5", "x<5"},
    {"x > 007", "x>007"},
    {"x=", "x="},
    {"x!=", "x!="},
    {"x=,y=b", "x=,y=b"},
    {"b=1,a=2", "a=2,b=1"},
    {"x=b,x=a", "x=b,x=a"},
    {"x=a,!y,z", "x=a,!y,z"},
    {"z,!y,x=a", "x=a,!y,z"},
    {"app.kubernetes.io/name=web", "app.kubernetes.io/name=web"},
    {"  x  =  a  ,  y  in  ( a , b )  ", "x=a,y in (a,b)"},
    {"x\t=\ta\n,\r\ny", "x=a,y"},
    {"in=notin", "in=notin"},
    {"x in (in,notin)", "x in (in,notin)"},
    {"a-b_c.D=A-b_c.9", "a-b_c.D=A-b_c.9"},
    {"kubernetes.io/cluster-service=true", "kubernetes.io/cluster-service=true"},
    {std::string(63, 'k') + "=" + std::string(63, 'v'),
     std::string(63, 'k') + "=" + std::string(63, 'v')},
};

struct ErrorCase {
  std::string text;
  std::string message;
};

const std::vector<ErrorCase> kInvalid = {
    {"x=a,", "found '', expected: identifier after ','"},
    {"x=a,,y", "found ',', expected: identifier after ','"},
    {",", "found ',', expected: !, identifier, or 'end of string'"},
    {"=a", "found '=', expected: !, identifier, or 'end of string'"},
    {"(x)", "found '(', expected: !, identifier, or 'end of string'"},
    {"x y", "unable to parse requirement: found 'y', " + kBadOperator},
    {"x (", "unable to parse requirement: found '(', " + kBadOperator},
    {"env IN (a)", "unable to parse requirement: found 'IN', " + kBadOperator},
    {"e!!!!!ss", "unable to parse requirement: found '!', " + kBadOperator},
    {"type=app,versionv1.0.1)", "unable to parse requirement: found ')', " + kBadOperator},
    {"!x=a", "found '=', expected: ',' or 'end of string'"},
    {"x=a b", "found 'b', expected: ',' or 'end of string'"},
    {"x==a=", "found '=', expected: ',' or 'end of string'"},
    {"x in (a))", "found ')', expected: ',' or 'end of string'"},
    {"x in a", "unable to parse requirement: found 'a' expected: '('"},
    {"x in (a", "unable to parse requirement: found '', expected: ',' or ')'"},
    {"x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"},
    {"x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
    {"x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"},
    {"x in (,", "unable to parse requirement: found '', expected: ',', or identifier"},
    {"x=(a)", "unable to parse requirement: found '(', expected: identifier"},
    {"!", "unable to parse requirement: found '', expected: identifier"},
    {"!!x", "unable to parse requirement: found '!', expected: identifier"},
    {"x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": " + kNotInteger},
    {"x<", "unable to parse requirement: values[0]: Invalid value: \"\": " + kNotInteger},
    {"x>99999999999999999999",
     "unable to parse requirement: values[0]: Invalid value: \"99999999999999999999\": " +
         kNotInteger},
    {"x=-a",
     "unable to parse requirement: values[0][x]: Invalid value: \"-a\": " + kLabelValueError},
    {"x>-1",
     "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " + kLabelValueError},
    {"x in (a,b-)",
     "unable to parse requirement: values[1][x]: Invalid value: \"b-\": " + kLabelValueError},
    {"x=" + std::string(64, 'v'), "unable to parse requirement: values[0][x]: Invalid value: \"" +
                                      std::string(64, 'v') +
                                      "\": must be no more than 63 characters"},
    {"a@b=c", "unable to parse requirement: <nil>: Invalid value: \"a@b\": " + kNamePartError},
    {"app:monolith",
     "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": " + kNamePartError},
    {"/x",
     "unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be "
     "non-empty"},
    {"x\"y", "unable to parse requirement: <nil>: Invalid value: \"x\\\"y\": " + kNamePartError},
    {std::string(64, 'k'), "unable to parse requirement: <nil>: Invalid value: \"" +
                               std::string(64, 'k') +
                               "\": name part must be no more than 63 characters"},
};

Labels L(std::initializer_list<std::pair<const std::string, std::string>> items) {
  return Labels(items);
}

// Each selector against four label sets: none, {app=web,tier=front}, {app=db,n=10},
// {app="",n=abc}. `expected` holds '1' where the selector matches.
struct MatchCase {
  std::string selector;
  std::string expected;
};

const std::vector<Labels> kLabelSets = {L({}), L({{"app", "web"}, {"tier", "front"}}),
                                        L({{"app", "db"}, {"n", "10"}}),
                                        L({{"app", ""}, {"n", "abc"}})};

const std::vector<MatchCase> kMatches = {
    {"", "1111"},
    {"app=web", "0100"},
    {"app==web", "0100"},
    {"app!=web", "1011"},
    {"app in (web,db)", "0110"},
    {"app notin (web)", "1011"},
    {"app", "0111"},
    {"!app", "1000"},
    {"app=", "0001"},
    {"app in ()", "0001"},
    {"app!=", "1110"},
    {"n>5", "0010"},
    {"n<11", "0010"},
    {"n<10", "0000"},
    {"n>10", "0000"},
    {"n", "0011"},
    {"app,!tier", "0011"},
    {"app=web,tier=front", "0100"},
    {"app=web,tier=back", "0000"},
    {"tier notin (front),app", "0011"},
};

std::string MatchRow(const LabelSelector& selector) {
  std::string row;
  for (const Labels& labels : kLabelSets) row += selector.Matches(labels) ? '1' : '0';
  return row;
}

std::string JsonMatchRow(const LabelSelector& selector) {
  std::string row;
  for (const Labels& labels : kLabelSets) {
    boost::json::object o;
    for (const auto& [k, v] : labels) o[k] = v;
    row += selector.Matches(o) ? '1' : '0';
  }
  return row;
}

}  // namespace

TEST_SUITE("api/meta/labels") {
  TEST_CASE("valid selectors parse and print in canonical form") {
    for (const ParseCase& c : kValid) {
      CAPTURE(c.text);
      Result<LabelSelector> s = LabelSelector::Parse(c.text);
      REQUIRE_MESSAGE(s.ok(), s.status().ToString());
      CHECK(s->String() == c.canonical);
      CHECK(s->Empty() == c.canonical.empty());
    }
  }

  TEST_CASE("the canonical form parses back to itself") {
    for (const ParseCase& c : kValid) {
      CAPTURE(c.text);
      Result<LabelSelector> again = LabelSelector::Parse(LabelSelector::Parse(c.text)->String());
      REQUIRE(again.ok());
      CHECK(again->String() == c.canonical);
    }
  }

  TEST_CASE("invalid selectors fail with upstream's messages") {
    for (const ErrorCase& c : kInvalid) {
      CAPTURE(c.text);
      Result<LabelSelector> s = LabelSelector::Parse(c.text);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == Code::kInvalidArgument);
      CHECK(s.status().message() == c.message);
    }
  }

  TEST_CASE("parsed requirements carry key, operator and sorted values") {
    Result<LabelSelector> s = LabelSelector::Parse("z notin (b,a),y>3,!x,w==v");
    REQUIRE(s.ok());
    const auto& r = s->requirements();
    REQUIRE(r.size() == 4);
    CHECK(r[0].key == "w");
    CHECK(r[0].op == LabelOperator::kDoubleEquals);
    CHECK(r[0].values == std::vector<std::string>{"v"});
    CHECK(r[1].op == LabelOperator::kDoesNotExist);
    CHECK(r[1].values.empty());
    CHECK(r[2].op == LabelOperator::kGreaterThan);
    CHECK(r[2].values == std::vector<std::string>{"3"});
    CHECK(r[3].op == LabelOperator::kNotIn);
    CHECK(r[3].values == std::vector<std::string>{"a", "b"});
  }

  TEST_CASE("matching follows upstream's truth table for every operator") {
    for (const MatchCase& c : kMatches) {
      CAPTURE(c.selector);
      Result<LabelSelector> s = LabelSelector::Parse(c.selector);
      REQUIRE(s.ok());
      CHECK(MatchRow(*s) == c.expected);
      CHECK(JsonMatchRow(*s) == c.expected);
    }
  }

  TEST_CASE("a non-string label in JSON counts as no label") {
    boost::json::object labels{{"app", 5}, {"tier", "front"}};
    CHECK(LabelSelector::Parse("!app")->Matches(labels));
    CHECK_FALSE(LabelSelector::Parse("app")->Matches(labels));
    CHECK(LabelSelector::Parse("tier=front")->Matches(labels));
  }

  TEST_CASE("the default selector is empty and matches everything") {
    LabelSelector s;
    CHECK(s.Empty());
    CHECK(s.String().empty());
    CHECK(s.Matches(L({{"a", "b"}})));
    CHECK(s.Matches(Labels{}));
  }

  TEST_CASE("FromLabels builds sorted equality requirements") {
    LabelSelector s = LabelSelector::FromLabels(L({{"b", "2"}, {"a", "1"}}));
    CHECK(s.String() == "a=1,b=2");
    CHECK(s.Matches(L({{"a", "1"}, {"b", "2"}, {"c", "3"}})));
    CHECK_FALSE(s.Matches(L({{"a", "1"}})));
    CHECK(LabelSelector::FromLabels({}).Empty());
  }
}

}  // namespace mini::api::meta
