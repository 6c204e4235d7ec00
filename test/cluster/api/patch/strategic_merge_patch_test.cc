#include "cluster/api/patch/strategic_merge_patch.h"

#include <doctest/doctest.h>

#include <string>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_order.h"
#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::J;
using testing::S;
using testing::TestApp;

// Applies `patch` to `original` as an App and returns the compact result.
std::string Smp(std::string_view original, std::string_view patch) {
  auto result = ApplyStrategicMergePatch(J(original), J(patch), TestApp());
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return S(*result);
}

Status SmpError(std::string_view original, std::string_view patch) {
  auto result = ApplyStrategicMergePatch(J(original), J(patch), TestApp());
  REQUIRE_FALSE(result.ok());
  return result.status();
}

constexpr char kTwoContainers[] =
    R"({"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}})";

TEST_SUITE("api/patch/strategic_merge_patch") {
  TEST_CASE("keyed lists merge element by element and keep what the patch omits") {
    CHECK(Smp(kTwoContainers, R"({"spec":{"containers":[{"name":"b","image":"b:2"}]}})") ==
          R"({"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}})");
    // Like Kubernetes, a new element without $setElementOrder goes before the server's ones.
    CHECK(Smp(kTwoContainers, R"({"spec":{"containers":[{"name":"c","image":"c:1"}]}})") ==
          R"({"spec":{"containers":[{"name":"c","image":"c:1"},{"name":"a","image":"a:1"},)"
          R"({"name":"b","image":"b:1"}]}})");
    // Nested keyed lists merge too, and null deletes inside an element.
    CHECK(Smp(R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"},
                {"name":"B","value":"2"}]}]}})",
              R"({"spec":{"containers":[{"name":"a","image":null,
                  "env":[{"name":"B","value":"3"}]}]}})") ==
          R"({"spec":{"containers":[{"name":"a","env":[{"name":"A","value":"1"},)"
          R"({"name":"B","value":"3"}]}]}})");
  }

  TEST_CASE("ports merge by containerPort, numbers compared by value") {
    CHECK(JsonEqual(
        J(Smp(R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},
                  {"containerPort":443}]}]}})",
              R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80.0,
                  "protocol":"TCP"}]}]}})")),
        J(R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http",
              "protocol":"TCP"},{"containerPort":443}]}]}})")));
  }

  TEST_CASE("$patch delete removes the keyed element and replace replaces the list") {
    CHECK(Smp(kTwoContainers, R"({"spec":{"containers":[{"name":"a","$patch":"delete"}]}})") ==
          R"({"spec":{"containers":[{"name":"b","image":"b:1"}]}})");
    CHECK(Smp(kTwoContainers, R"({"spec":{"containers":[{"name":"zz","$patch":"delete"}]}})") ==
          S(J(kTwoContainers)));
    CHECK(Smp(kTwoContainers,
              R"({"spec":{"containers":[{"name":"c","image":"c:1"},{"$patch":"replace"}]}})") ==
          R"({"spec":{"containers":[{"name":"c","image":"c:1"}]}})");
  }

  TEST_CASE("$patch in maps: replace swaps the map, delete drops it, merge is the default") {
    auto original = R"({"spec":{"settings":{"a":"1","b":"2"},"replicas":1}})";
    CHECK(Smp(original, R"({"spec":{"settings":{"$patch":"replace","c":"3"}}})") ==
          R"({"spec":{"settings":{"c":"3"},"replicas":1}})");
    CHECK(Smp(original, R"({"spec":{"settings":{"$patch":"delete"}}})") ==
          R"({"spec":{"replicas":1}})");
    CHECK(Smp(original, R"({"spec":{"settings":{"$patch":"merge","c":"3"}}})") ==
          R"({"spec":{"settings":{"a":"1","b":"2","c":"3"},"replicas":1}})");
    CHECK(Smp(original, R"({"$patch":"delete"})") == "{}");
  }

  TEST_CASE("lists of scalars with patch merge are sets, other lists are replaced") {
    auto original = R"({"spec":{"gates":["a","b"],"args":["x","y"]}})";
    CHECK(Smp(original, R"({"spec":{"gates":["c","a"],"args":["z"]}})") ==
          R"({"spec":{"gates":["c","a","b"],"args":["z"]}})");
    CHECK(Smp(original, R"({"spec":{"$deleteFromPrimitiveList/gates":["a"],"gates":["d"]}})") ==
          R"({"spec":{"gates":["d","b"],"args":["x","y"]}})");
    CHECK(Smp(original, R"({"spec":{"$setElementOrder/gates":["b","a"]}})") ==
          R"({"spec":{"gates":["b","a"],"args":["x","y"]}})");
  }

  TEST_CASE("$setElementOrder orders the merged list, server-only elements keep their place") {
    auto original = R"({"spec":{"containers":[{"name":"a"},{"name":"injected"},{"name":"b"}]}})";
    // "injected" stays in front of "b", which followed it on the server.
    CHECK(
        Smp(original, R"({"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}})") ==
        R"({"spec":{"containers":[{"name":"injected"},{"name":"b"},{"name":"a"}]}})");
    CHECK(Smp(original, R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"c"},
                {"name":"b"}],"containers":[{"name":"c","image":"c"}]}})") ==
          R"({"spec":{"containers":[{"name":"a"},{"name":"c","image":"c"},{"name":"injected"},)"
          R"({"name":"b"}]}})");
    // The order list must agree with the patch list.
    Status mismatch = SmpError(original, R"({"spec":{"$setElementOrder/containers":[{"name":"a"},
        {"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}})");
    CHECK(mismatch.reason() == kReasonMalformedPatch);
  }

  TEST_CASE("$retainKeys clears the keys it does not list") {
    auto original = R"({"spec":{"strategy":{"type":"RollingUpdate",
                        "rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}}}})";
    CHECK(Smp(original, R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})") ==
          R"({"spec":{"strategy":{"type":"Recreate"}}})");
    CHECK(Smp(original, R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,
                "type":"Recreate"}}})") == R"({"spec":{"strategy":{"type":"Recreate"}}})");
    // Volumes: an element switching its inlined source from emptyDir to configMap.
    CHECK(Smp(R"({"spec":{"volumes":[{"name":"v","emptyDir":{}}]}})",
              R"({"spec":{"volumes":[{"$retainKeys":["configMap","name"],"name":"v",
                  "configMap":{"name":"cm"}}]}})") ==
          R"({"spec":{"volumes":[{"name":"v","configMap":{"name":"cm"}}]}})");
    Status bad = SmpError(original, R"({"spec":{"strategy":{"$retainKeys":["type"],
                                      "rollingUpdate":{"maxSurge":2}}}})");
    CHECK(bad.reason() == kReasonMalformedPatch);
    CHECK(SmpError(original, R"({"spec":{"strategy":{"$retainKeys":"type"}}})").reason() ==
          kReasonMalformedPatch);
  }

  TEST_CASE("directives in values the live object lacks are applied, not stored") {
    CHECK(Smp("{}", R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},
                        "$setElementOrder/containers":[{"name":"a"}],
                        "containers":[{"name":"a","env":[{"name":"X","$patch":"delete"}]}]}})") ==
          R"({"spec":{"containers":[{"name":"a","env":[]}],"strategy":{"type":"Recreate"}}})");
  }

  TEST_CASE("maps merge key by key, atomic maps and structs too, unknown fields like merge patch") {
    CHECK(Smp(R"({"spec":{"settings":{"a":"1"},"target":{"host":"h","port":1},"x":{"y":1}}})",
              R"({"spec":{"settings":{"b":"2"},"target":{"port":2},"x":{"z":[1]}}})") ==
          R"({"spec":{"settings":{"a":"1","b":"2"},"target":{"host":"h","port":2},)"
          R"("x":{"y":1,"z":[1]}}})");
    // Without a schema everything merges like a JSON merge patch; lists are replaced.
    auto result = ApplyStrategicMergePatch(J(R"({"a":{"b":[1,2],"c":1}})"),
                                           J(R"({"a":{"b":[3],"c":null}})"), nullptr);
    REQUIRE(result.ok());
    CHECK(S(*result) == R"({"a":{"b":[3]}})");
  }

  TEST_CASE("errors say what is wrong and how Kubernetes would answer") {
    Status no_key = SmpError(kTwoContainers, R"({"spec":{"containers":[{"image":"x"}]}})");
    CHECK(no_key.reason() == kReasonPatchNotApplicable);
    CHECK(no_key.message() == R"(map: {"image":"x"} does not contain declared merge key: name)");
    CHECK(SmpError(kTwoContainers, R"({"spec":{"containers":[{"name":"a","$patch":"merge"}]}})")
              .message() == "merging lists cannot yet be specified in the patch");
    CHECK(SmpError(kTwoContainers, R"({"spec":{"$patch":"frob"}})").reason() ==
          kReasonMalformedPatch);
    CHECK(SmpError(kTwoContainers, R"({"spec":{"containers":["a"]}})").reason() ==
          kReasonPatchNotApplicable);
    CHECK(SmpError(kTwoContainers, "[1]").reason() == kReasonMalformedPatch);
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
