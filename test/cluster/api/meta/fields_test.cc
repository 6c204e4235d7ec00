#include "cluster/api/meta/fields.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace mini::api::meta {
namespace {

struct ParseCase {
  std::string text;
  std::string canonical;
};

const std::vector<ParseCase> kValid = {
    {"", ""},
    {"metadata.name=x", "metadata.name=x"},
    {"metadata.name==x", "metadata.name=x"},
    {"status.phase!=Failed", "status.phase!=Failed"},
    {"spec.nodeName=n,status.phase!=Succeeded,status.phase!=Failed",
     "spec.nodeName=n,status.phase!=Failed,status.phase!=Succeeded"},
    {"involvedObject.namespace=", "involvedObject.namespace="},
    {"a=b,,c=d", "a=b,c=d"},
    {"a=b,", "a=b"},
    {",", ""},
    {"a=x\\,y", "a=x\\,y"},
    {"a=x\\=y", "a=x\\=y"},
    {"a=x\\\\y", "a=x\\\\y"},
    {"a==x\\,y,b!=", "a=x\\,y,b!="},
    {"a b=c", "a b=c"},
    {" a=b", " a=b"},
    {"a!b=c", "a!b=c"},
    {"a=b!", "a=b!"},
    {"=x", "=x"},
};

struct ErrorCase {
  std::string text;
  std::string message;
};

const std::vector<ErrorCase> kInvalid = {
    {"abc", "invalid selector: 'abc'; can't understand 'abc'"},
    {"a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"},
    {"a!b", "invalid selector: 'a!b'; can't understand 'a!b'"},
    {"a=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a!==b", "invalid field selector: unescaped character in value: 61"},
    {"a\\=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a=x\\y", "invalid field selector: invalid escape sequence: \\y"},
    {"a=x\\", "invalid field selector: invalid escape sequence: \\"},
    {"a=\\\xc3\xa9", "invalid field selector: invalid escape sequence: \\\xc3\xa9"},
};

const boost::json::object kPod = boost::json::parse(R"({
  "metadata": {"name": "p", "namespace": "default"},
  "spec": {"nodeName": "n1", "hostNetwork": true, "priority": 5, "big": 18446744073709551615,
           "ratio": 0.5, "tolerations": []},
  "status": {"phase": "Running", "podIP": null}})")
                                     .as_object();

const boost::json::object kEvent = boost::json::parse(R"({
  "metadata": {"name": "e", "namespace": "default"},
  "involvedObject": {"kind": "Node", "name": "n1"}})")
                                       .as_object();

// Each selector against the pod and the event above: '1' where it matches.
struct MatchCase {
  std::string selector;
  std::string expected;
};

const std::vector<MatchCase> kMatches = {
    {"", "11"},
    {"metadata.name=p", "10"},
    {"metadata.name!=p", "01"},
    {"metadata.namespace=default", "11"},
    {"spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed", "10"},
    {"status.phase=Failed", "00"},
    {"spec.nodeName=", "01"},
    {"spec.nodeName!=n1", "01"},
    {"involvedObject.namespace=", "11"},
    {"involvedObject.kind=Node,involvedObject.name=n1", "01"},
    {"involvedObject.kind=Pod", "00"},
    {"spec.hostNetwork=true", "10"},
    {"spec.hostNetwork!=true", "01"},
    {"spec.priority=5", "10"},
    {"spec.big=18446744073709551615", "10"},
    {"spec.ratio=", "11"},
    {"spec.tolerations=", "11"},
    {"status.podIP=", "11"},
    {"metadata=", "11"},
    {"metadata.name.x=", "11"},
    {"metadata.name.x=p", "00"},
    {"metadata.name=p,metadata.name=e", "00"},
};

}  // namespace

TEST_SUITE("api/meta/fields") {
  TEST_CASE("valid field selectors parse and print in canonical form") {
    for (const ParseCase& c : kValid) {
      CAPTURE(c.text);
      Result<FieldSelector> s = FieldSelector::Parse(c.text);
      REQUIRE_MESSAGE(s.ok(), s.status().ToString());
      CHECK(s->String() == c.canonical);
      CHECK(s->Empty() == c.canonical.empty());
      Result<FieldSelector> again = FieldSelector::Parse(s->String());
      REQUIRE(again.ok());
      CHECK(again->String() == c.canonical);
    }
  }

  TEST_CASE("invalid field selectors fail with upstream's messages") {
    for (const ErrorCase& c : kInvalid) {
      CAPTURE(c.text);
      Result<FieldSelector> s = FieldSelector::Parse(c.text);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == Code::kInvalidArgument);
      CHECK(s.status().message() == c.message);
    }
  }

  TEST_CASE("escaped values are unescaped in requirements") {
    Result<FieldSelector> s = FieldSelector::Parse("b!=x\\,y\\=z\\\\,a==");
    REQUIRE(s.ok());
    const auto& r = s->requirements();
    REQUIRE(r.size() == 2);
    CHECK(r[0].path == "a");
    CHECK(r[0].op == FieldOperator::kEquals);
    CHECK(r[0].value.empty());
    CHECK(r[1].path == "b");
    CHECK(r[1].op == FieldOperator::kNotEquals);
    CHECK(r[1].value == "x,y=z\\");
  }

  TEST_CASE("matching reads dotted paths and treats missing fields as empty") {
    for (const MatchCase& c : kMatches) {
      CAPTURE(c.selector);
      Result<FieldSelector> s = FieldSelector::Parse(c.selector);
      REQUIRE(s.ok());
      std::string row;
      row += s->Matches(kPod) ? '1' : '0';
      row += s->Matches(kEvent) ? '1' : '0';
      CHECK(row == c.expected);
    }
  }

  TEST_CASE("FieldValue renders strings, booleans and integers") {
    CHECK(FieldValue(kPod, "metadata.name") == "p");
    CHECK(FieldValue(kPod, "spec.hostNetwork") == "true");
    CHECK(FieldValue(kPod, "spec.priority") == "5");
    CHECK(FieldValue(kPod, "spec.big") == "18446744073709551615");
    CHECK(FieldValue(kPod, "spec").empty());
    CHECK(FieldValue(kPod, "status.podIP").empty());
    CHECK(FieldValue(kPod, "nothing.here").empty());
    CHECK(FieldValue(kPod, "").empty());
  }

  TEST_CASE("matching against a computed field set") {
    Result<FieldSelector> s = FieldSelector::Parse("type=kubernetes.io/tls,metadata.name!=x");
    REQUIRE(s.ok());
    CHECK(s->Matches(Fields{{"type", "kubernetes.io/tls"}, {"metadata.name", "y"}}));
    CHECK_FALSE(s->Matches(Fields{{"type", "kubernetes.io/tls"}, {"metadata.name", "x"}}));
    CHECK_FALSE(s->Matches(Fields{{"metadata.name", "y"}}));
    CHECK(FieldSelector::Parse("type=")->Matches(Fields{}));
  }

  TEST_CASE("Validate rejects paths the resource does not support") {
    const std::vector<std::string> supported = {"metadata.name", "metadata.namespace"};
    CHECK(FieldSelector().Validate(supported).ok());
    CHECK(FieldSelector::Parse("metadata.name=x,metadata.namespace!=y")->Validate(supported).ok());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"spec.nodeName=x", "field label not supported: spec.nodeName"},
        {"metadata.name=x,zz=y", "field label not supported: zz"},
        {" metadata.name=x", "field label not supported:  metadata.name"},
        {"=x", "field label not supported: "},
    };
    for (const auto& [text, message] : cases) {
      CAPTURE(text);
      Status status = FieldSelector::Parse(text)->Validate(supported);
      REQUIRE_FALSE(status.ok());
      CHECK(status.code() == Code::kInvalidArgument);
      CHECK(status.message() == message);
    }
  }

  TEST_CASE("RequiresExactMatch finds the value an equality pins") {
    Result<FieldSelector> s = FieldSelector::Parse("metadata.name==x,status.phase!=y");
    REQUIRE(s.ok());
    CHECK(s->RequiresExactMatch("metadata.name") == std::optional<std::string>("x"));
    CHECK_FALSE(s->RequiresExactMatch("status.phase").has_value());
    CHECK_FALSE(s->RequiresExactMatch("metadata.namespace").has_value());
    CHECK_FALSE(FieldSelector().RequiresExactMatch("metadata.name").has_value());
  }

  TEST_CASE("EscapeFieldValue round-trips through Parse") {
    CHECK(EscapeFieldValue("a,b=c\\d") == "a\\,b\\=c\\\\d");
    CHECK(EscapeFieldValue("plain") == "plain");
    for (std::string value : {"", "a,b", "=", "\\", "x\\,y", "é,é"}) {
      CAPTURE(value);
      Result<FieldSelector> s = FieldSelector::Parse("k=" + EscapeFieldValue(value));
      REQUIRE(s.ok());
      REQUIRE(s->requirements().size() == 1);
      CHECK(s->requirements()[0].value == value);
    }
  }
}

}  // namespace mini::api::meta
