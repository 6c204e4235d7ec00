#include "cluster/api/patch/field_set.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/object_fields.h"
#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::J;
using testing::S;
using testing::TestApp;

FieldSet FromV1(std::string_view json) {
  auto set = FieldSet::FromFieldsV1(J(json));
  REQUIRE_MESSAGE(set.ok(), set.status().message());
  return *set;
}

FieldPath P(std::initializer_list<const char*> names) {
  FieldPath path;
  for (const char* name : names) path.push_back(PathElement::Field(name));
  return path;
}

TEST_SUITE("api/patch/field_set") {
  TEST_CASE("FieldsV1 round-trips with '.' for members that have members below") {
    const char* v1 =
        R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},)"
        R"("f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}},)"
        R"("f:gates":{"v:\"a\"":{},"v:\"b\"":{}}}})";
    FieldSet set = FromV1(v1);
    CHECK(S(set.ToFieldsV1()) == v1);
    CHECK(set.PathStrings() ==
          std::vector<std::string>{
              ".metadata.labels", ".metadata.labels.app", R"(.spec.containers[name="nginx"])",
              R"(.spec.containers[name="nginx"].image)", R"(.spec.containers[name="nginx"].name)",
              R"(.spec.gates[="a"])", R"(.spec.gates[="b"])"});
    CHECK(set.Has(P({"metadata", "labels"})));
    CHECK_FALSE(set.Has(P({"metadata"})));
  }

  TEST_CASE("elements sort fields first, then keys, values and indexes, keys by content") {
    FieldSet set = FromV1(R"({"i:0":{},"v:2":{},"v:10":{},"k:{\"b\":1}":{},"k:{\"a\":2}":{},
                              "k:{\"a\":1,\"b\":1}":{},"f:z":{},"f:a":{}})");
    CHECK(S(set.ToFieldsV1()) ==
          R"({"f:a":{},"f:z":{},"k:{\"a\":1,\"b\":1}":{},"k:{\"a\":2}":{},"k:{\"b\":1}":{},)"
          R"("v:2":{},"v:10":{},"i:0":{}})");
    // Key fields are sorted by name whatever order the JSON had.
    CHECK(S(FromV1(R"({"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{}})").ToFieldsV1()) ==
          R"({"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{}})");
  }

  TEST_CASE("union, intersection and both differences") {
    FieldSet a = FromV1(R"({"f:a":{".":{},"f:b":{}},"f:c":{}})");
    FieldSet b = FromV1(R"({"f:a":{},"f:d":{}})");
    CHECK(S(a.Union(b).ToFieldsV1()) == R"({"f:a":{".":{},"f:b":{}},"f:c":{},"f:d":{}})");
    CHECK(S(a.Intersection(b).ToFieldsV1()) == R"({"f:a":{}})");
    CHECK(S(a.Difference(b).ToFieldsV1()) == R"({"f:a":{"f:b":{}},"f:c":{}})");
    CHECK(S(a.RecursiveDifference(b).ToFieldsV1()) == R"({"f:c":{}})");
    CHECK(a.Difference(a).empty());
    CHECK(a.Union(FieldSet()) == a);
  }

  TEST_CASE("malformed FieldsV1 is rejected") {
    for (const char* bad : {R"([])", R"({"x:a":{}})", R"({"f:a":1})", R"({".":{}})",
                            R"({"k:[1]":{}})", R"({"k:{":{}})", R"({"i:x":{}})"}) {
      CAPTURE(bad);
      CHECK_FALSE(FieldSet::FromFieldsV1(J(bad)).ok());
    }
  }

  TEST_CASE("an applied object's fields follow the schema's list and map types") {
    auto fields = FieldsOf(J(R"({"apiVersion":"test.mini.dev/v1","kind":"App",
        "metadata":{"name":"a","labels":{"app":"a"},"finalizers":["f"]},
        "spec":{"replicas":1,"selector":{"app":"a"},"settings":{"k":"v"},"args":["x"],
          "target":{"host":"h"},"strategy":{},"gates":[],
          "containers":[{"name":"c","resources":{},"ports":[{"containerPort":80},
            {"containerPort":53,"protocol":"UDP"}]}],
          "volumes":[{"name":"v","emptyDir":{}}]}})"),
                           TestApp());
    REQUIRE_MESSAGE(fields.ok(), fields.status().message());
    CHECK(S(fields->ToFieldsV1()) ==
          R"({"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:finalizers":{"v:\"f\"":{}},)"
          R"("f:labels":{"f:app":{}},"f:name":{}},"f:spec":{"f:args":{},)"
          R"("f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:name":{},"f:ports":{)"
          R"("k:{\"containerPort\":53,\"protocol\":\"UDP\"}":{".":{},"f:containerPort":{},)"
          R"("f:protocol":{}},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},)"
          R"("f:containerPort":{}}},"f:resources":{}}},"f:replicas":{},"f:selector":{},)"
          R"("f:settings":{"f:k":{}},"f:strategy":{},"f:target":{},)"
          R"("f:volumes":{"k:{\"name\":\"v\"}":{".":{},"f:emptyDir":{},"f:name":{}}}}})");
  }

  TEST_CASE("applied objects with unkeyed or duplicate items are rejected") {
    auto no_key = FieldsOf(J(R"({"spec":{"containers":[{"image":"x"}]}})"), TestApp());
    REQUIRE_FALSE(no_key.ok());
    CHECK(no_key.status().reason() == kReasonPatchNotApplicable);
    CHECK(no_key.status().message() ==
          ".containers: associative list with keys has an element that omits key field "
          "\"name\" (and doesn't have default value)");
    auto twice = FieldsOf(J(R"({"spec":{"containers":[{"name":"a"},{"name":"a"}]}})"), TestApp());
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.status().message() == R"(.containers: duplicate entries for key [name="a"])");
  }

  TEST_CASE("named struct fields become members for pruning, map keys do not") {
    FieldSet set = FromV1(R"({"f:spec":{"f:strategy":{"f:rollingUpdate":{"f:maxSurge":{}}},
                              "f:settings":{"f:k":{}}}})");
    CHECK(S(WithNamedFieldsAsMembers(set, TestApp()).ToFieldsV1()) ==
          R"({"f:spec":{".":{},"f:settings":{".":{},"f:k":{}},"f:strategy":{".":{},)"
          R"("f:rollingUpdate":{".":{},"f:maxSurge":{}}}}})");
  }

  TEST_CASE("removing fields takes whole subtrees and keyed items") {
    auto object = J(R"({"spec":{"replicas":1,"strategy":{"type":"R","rollingUpdate":{"maxSurge":1}},
        "containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}],"gates":["g1","g2"]}})");
    RemoveFields(object, FromV1(R"({"f:spec":{"f:strategy":{"f:rollingUpdate":{}},
                   "f:containers":{"k:{\"name\":\"a\"}":{},"k:{\"name\":\"b\"}":{"f:image":{}}},
                   "f:gates":{"v:\"g1\"":{}}}})"),
                 TestApp());
    CHECK(S(object) == R"({"spec":{"replicas":1,"strategy":{"type":"R"},)"
                       R"("containers":[{"name":"b"}],"gates":["g2"]}})");
  }

  TEST_CASE("comparing versions finds added, modified and removed fields") {
    auto changes = CompareObjects(
        J(R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":1,
              "containers":[{"name":"c","image":"x"}]}})"),
        J(R"({"metadata":{"labels":{"a":"1"},"annotations":{"n":"v"}},"spec":{"replicas":2,
              "containers":[{"name":"c","image":"x"},{"name":"d"}],"target":{"host":"h"}}})"),
        TestApp());
    CHECK(S(changes.added.ToFieldsV1()) ==
          R"({"f:metadata":{"f:annotations":{".":{},"f:n":{}}},"f:spec":{"f:containers":)"
          R"({"k:{\"name\":\"d\"}":{".":{},"f:name":{}}},"f:target":{}}})");
    CHECK(S(changes.modified.ToFieldsV1()) == R"({"f:spec":{"f:replicas":{}}})");
    CHECK(S(changes.removed.ToFieldsV1()) == R"({"f:metadata":{"f:labels":{"f:b":{}}}})");
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
