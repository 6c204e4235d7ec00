#include "cluster/api/patch/json_patch.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/api/patch/errors.h"
#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::J;
using testing::S;

Result<boost::json::value> Apply(std::string_view doc, std::string_view patch) {
  MINI_ASSIGN_OR_RETURN(JsonPatch ops, ParseJsonPatch(J(patch)));
  return ApplyJsonPatch(J(doc), ops);
}

struct Case {
  const char* name;
  const char* doc;
  const char* patch;
  const char* expected;
};

// RFC 6902 appendix A, the examples that succeed.
const std::vector<Case> kRfcExamples = {
    {"A.1 add an object member", R"({"foo":"bar"})",
     R"([{"op":"add","path":"/baz","value":"qux"}])", R"({"foo":"bar","baz":"qux"})"},
    {"A.2 add an array element", R"({"foo":["bar","baz"]})",
     R"([{"op":"add","path":"/foo/1","value":"qux"}])", R"({"foo":["bar","qux","baz"]})"},
    {"A.3 remove an object member", R"({"baz":"qux","foo":"bar"})",
     R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})"},
    {"A.4 remove an array element", R"({"foo":["bar","qux","baz"]})",
     R"([{"op":"remove","path":"/foo/1"}])", R"({"foo":["bar","baz"]})"},
    {"A.5 replace a value", R"({"baz":"qux","foo":"bar"})",
     R"([{"op":"replace","path":"/baz","value":"boo"}])", R"({"baz":"boo","foo":"bar"})"},
    {"A.6 move a value", R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
     R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
     R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
    {"A.7 move an array element", R"({"foo":["all","grass","cows","eat"]})",
     R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
     R"({"foo":["all","cows","eat","grass"]})"},
    {"A.8 test succeeds", R"({"baz":"qux","foo":["a",2,"c"]})",
     R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
     R"({"baz":"qux","foo":["a",2,"c"]})"},
    {"A.10 add a nested member object", R"({"foo":"bar"})",
     R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
     R"({"foo":"bar","child":{"grandchild":{}}})"},
    {"A.11 unrecognized members are ignored", R"({"foo":"bar"})",
     R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])", R"({"foo":"bar","baz":"qux"})"},
    {"A.14 escapes decode in order", R"({"/":9,"~1":10})",
     R"([{"op":"test","path":"/~01","value":10}])", R"({"/":9,"~1":10})"},
    {"A.16 add an array value", R"({"foo":["bar"]})",
     R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])", R"({"foo":["bar",["abc","def"]]})"},
    {"copy duplicates a subtree", R"({"a":{"b":[1]}})",
     R"([{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}])",
     R"({"a":{"b":[1]},"c":{"b":[1,2]}})"},
    {"add at the root replaces the document", R"({"a":1})",
     R"([{"op":"add","path":"","value":{"b":2}}])", R"({"b":2})"},
    {"test compares numbers by value", R"({"n":2})", R"([{"op":"test","path":"/n","value":2.0}])",
     R"({"n":2})"},
    {"test of a missing member against null succeeds", R"({"a":1})",
     R"([{"op":"test","path":"/b","value":null}])", R"({"a":1})"},
    {"a '/' inside a label key is ~1", R"({"metadata":{"labels":{"app.kubernetes.io/name":"x"}}})",
     R"([{"op":"remove","path":"/metadata/labels/app.kubernetes.io~1name"}])",
     R"({"metadata":{"labels":{}}})"},
    {"kubectl rollout undo",
     R"({"metadata":{"annotations":{"a":"1"}},"spec":{"template":{"x":1}}})",
     R"([{"op":"replace","path":"/spec/template","value":{"y":2}},
         {"op":"replace","path":"/metadata/annotations","value":{"b":"2"}}])",
     R"({"metadata":{"annotations":{"b":"2"}},"spec":{"template":{"y":2}}})"},
    {"managedFields upgrade with a resourceVersion precondition",
     R"({"metadata":{"resourceVersion":"195","managedFields":[{"manager":"a"}]}})",
     R"([{"op":"replace","path":"/metadata/managedFields","value":[{"manager":"kubectl"}]},
         {"op":"replace","path":"/metadata/resourceVersion","value":"195"}])",
     R"({"metadata":{"resourceVersion":"195","managedFields":[{"manager":"kubectl"}]}})"},
};

TEST_SUITE("api/patch/json_patch") {
  TEST_CASE("RFC 6902 appendix A examples and kubectl's patches apply") {
    for (const Case& c : kRfcExamples) {
      CAPTURE(c.name);
      auto result = Apply(c.doc, c.patch);
      REQUIRE_MESSAGE(result.ok(), result.status().message());
      CHECK(S(*result) == S(J(c.expected)));
    }
  }

  TEST_CASE("patches that do not apply are 422 errors naming the path") {
    struct Failure {
      const char* doc;
      const char* patch;
      const char* message;
    };
    const std::vector<Failure> failures = {
        // A.9, A.12 and A.15 of the RFC.
        {R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])",
         "testing value /baz failed: test failed"},
        {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])",
         "add operation does not apply: doc is missing path: \"/baz/bat\": missing value"},
        {R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])",
         "testing value /~01 failed: test failed"},
        {R"({"a":1})", R"([{"op":"remove","path":"/b"}])",
         "remove operation does not apply: doc is missing path: \"/b\": missing value"},
        {R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])",
         "replace operation does not apply: doc is missing key: /b: missing value"},
        {R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":2}])",
         "add operation does not apply: index \"2\" is out of bounds in \"/a/2\""},
        {R"({"a":[1]})", R"([{"op":"remove","path":"/a/01"}])",
         "remove operation does not apply: doc is missing path: \"/a/01\": missing value"},
        {R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])",
         "move operation does not apply: \"/a/b/c\" is inside \"/a\""},
        {R"({"a":1})", R"([{"op":"test","path":"/x/y","value":null}])",
         "test operation does not apply: is missing path: /x/y"},
        {R"({"a":1})", R"([{"op":"copy","from":"/x","path":"/y"}])",
         "copy operation does not apply: doc is missing from path: /x: missing value"},
    };
    for (const Failure& f : failures) {
      CAPTURE(f.patch);
      auto result = Apply(f.doc, f.patch);
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().code() == Code::kInvalidArgument);
      CHECK(result.status().reason() == kReasonPatchNotApplicable);
      CHECK(result.status().message() == f.message);
    }
  }

  TEST_CASE("a failing operation leaves nothing half applied") {
    JsonPatch ops = *ParseJsonPatch(
        J(R"([{"op":"add","path":"/a","value":1},{"op":"test","path":"/a","value":2}])"));
    CHECK_FALSE(ApplyJsonPatch(J("{}"), ops).ok());
  }

  TEST_CASE("malformed patch documents are 400 errors") {
    const std::vector<std::string> malformed = {
        R"({"op":"add","path":"/a","value":1})",  // not an array
        R"([1])",
        R"([{"path":"/a"}])",
        R"([{"op":"frobnicate","path":"/a"}])",
        R"([{"op":"add","value":1}])",
        R"([{"op":"add","path":"/a"}])",
        R"([{"op":"test","path":"/a"}])",
        R"([{"op":"move","path":"/a"}])",
        R"([{"op":"add","path":"a","value":1}])",
        R"([{"op":"add","path":"/a~2","value":1}])",
        R"([{"op":"remove","path":"/a~"}])",
    };
    for (const std::string& patch : malformed) {
      CAPTURE(patch);
      auto parsed = ParseJsonPatch(J(patch));
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().reason() == kReasonMalformedPatch);
    }
    CHECK(ParseJsonPatch(J(R"([{"op":"frobnicate","path":"/a"}])")).status().message() ==
          "Unexpected kind: frobnicate");
  }

  TEST_CASE("JSON pointers unescape ~1 before ~0 is taken literally") {
    auto pointer = JsonPointer::Parse("/a~1b/c~0d/~01/");
    REQUIRE(pointer.ok());
    CHECK(pointer->tokens() == std::vector<std::string>{"a/b", "c~d", "~1", ""});
    CHECK(JsonPointer::Parse("")->IsRoot());
    CHECK(JsonPointer::Parse("/a")->IsProperPrefixOf(*JsonPointer::Parse("/a/b")));
    CHECK_FALSE(JsonPointer::Parse("/a")->IsProperPrefixOf(*JsonPointer::Parse("/ab")));
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
