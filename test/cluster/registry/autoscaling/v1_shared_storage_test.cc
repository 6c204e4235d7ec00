// autoscaling/v1 and v2 serve one HorizontalPodAutoscaler: v1 objects are stored once, in v2 form
// under v2's keys, so each version reads, changes and deletes what the other wrote, with the same
// uid and resourceVersion. Runs the real Registry over the memory datastore.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "cluster/registry/autoscaling/v1_annotations.h"
#include "cluster/registry/printing.h"
#include "test/cluster/registry/memory_registry.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

json::object Json(std::string_view text) { return json::parse(text).as_object(); }

class Cluster : public registry::testing::MemoryRegistry {
 public:
  Storage& v1() { return Find("autoscaling", "v1", "horizontalpodautoscalers"); }
  Storage& v2() { return Find("autoscaling", "v2", "horizontalpodautoscalers"); }
  /// The object as the datastore holds it.
  json::object Stored(const std::string& name) {
    return Raw("/registry/autoscaling/horizontalpodautoscalers/default/" + name);
  }
};

// What `kubectl autoscale deployment web --min=1 --max=3 --cpu-percent=50` creates.
json::object V1Autoscaler(const std::string& name) {
  json::object object = Json(R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
      "metadata":{},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment",
      "name":"web"},"minReplicas":1,"maxReplicas":3,"targetCPUUtilizationPercentage":50}})");
  object["metadata"].as_object()["name"] = name;
  return object;
}

json::object V2Autoscaler(const std::string& name) {
  json::object object = Json(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
      "metadata":{},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5,
      "metrics":[{"type":"Resource","resource":{"name":"cpu",
                   "target":{"type":"Utilization","averageUtilization":60}}},
                 {"type":"Pods","pods":{"metric":{"name":"qps"},
                   "target":{"type":"AverageValue","averageValue":"10"}}}],
      "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}})");
  object["metadata"].as_object()["name"] = name;
  return object;
}

std::string Rv(const json::object& object) { return StringAt(object, "metadata.resourceVersion"); }
std::string Uid(const json::object& object) { return StringAt(object, "metadata.uid"); }

Result<json::object> Label(Storage& storage, const std::string& name) {
  return storage.Update(
      "default", name,
      [](json::object current) -> Result<json::object> {
        current["metadata"].as_object()["labels"] = json::object{{"team", "shop"}};
        return current;
      },
      false, WriteOptions());
}

}  // namespace

TEST_SUITE("registry/autoscaling/v1_shared_storage") {
  TEST_CASE("a v1 autoscaler is stored once, in v2 form, and read by both versions") {
    Cluster cluster;
    auto created = cluster.v1().Create("default", V1Autoscaler("a"), WriteOptions());
    REQUIRE(created.ok());
    CHECK(StringAt(*created, "apiVersion") == "autoscaling/v1");
    CHECK(IntAt(*created, "spec.targetCPUUtilizationPercentage") == 50);

    json::object raw = cluster.Stored("a");
    CHECK(StringAt(raw, "apiVersion") == "autoscaling/v2");
    CHECK(raw.at("spec").at("metrics") ==
          json::parse(R"([{"type":"Resource","resource":{"name":"cpu",
              "target":{"type":"Utilization","averageUtilization":50}}}])"));
    CHECK_FALSE(raw.at("spec").as_object().contains("targetCPUUtilizationPercentage"));
    CHECK(ObjectAt(raw, "metadata.annotations") == nullptr);

    auto v2 = cluster.v2().Get("default", "a");
    REQUIRE(v2.ok());
    CHECK(StringAt(*v2, "apiVersion") == "autoscaling/v2");
    CHECK(Uid(*v2) == Uid(*created));
    CHECK(Rv(*v2) == Rv(*created));
    auto listed = cluster.v2().List("default", ListOptions());
    REQUIRE(listed.ok());
    REQUIRE(listed->items.size() == 1);
    CHECK(Rv(listed->items[0]) == Rv(*created));
  }

  TEST_CASE("a v1 update keeps the v2 metrics and behavior v1 cannot show") {
    Cluster cluster;
    auto created = cluster.v2().Create("default", V2Autoscaler("b"), WriteOptions());
    REQUIRE(created.ok());
    auto v1 = cluster.v1().Get("default", "b");
    REQUIRE(v1.ok());
    CHECK(IntAt(*v1, "spec.targetCPUUtilizationPercentage") == 60);
    const json::object* annotations = ObjectAt(*v1, "metadata.annotations");
    REQUIRE(annotations != nullptr);
    CHECK(annotations->contains(kMetricsAnnotation));
    CHECK(annotations->contains(kBehaviorAnnotation));

    auto updated = Label(cluster.v1(), "b");
    REQUIRE(updated.ok());
    CHECK(StringAt(*updated, "apiVersion") == "autoscaling/v1");
    auto v2 = cluster.v2().Get("default", "b");
    REQUIRE(v2.ok());
    CHECK(StringAt(*v2, "metadata.labels.team") == "shop");
    CHECK(Rv(*v2) == Rv(*updated));
    CHECK(Rv(*v2) != Rv(*created));
    CHECK(Uid(*v2) == Uid(*created));
    CHECK(v2->at("spec").at("behavior") == created->at("spec").at("behavior"));
    // v1 puts its CPU target after the other metrics, as Kubernetes does.
    const json::array& metrics = v2->at("spec").at("metrics").as_array();
    REQUIRE(metrics.size() == 2);
    CHECK(metrics[0] == created->at("spec").at("metrics").at(1));
    CHECK(metrics[1] == created->at("spec").at("metrics").at(0));
    CHECK(ObjectAt(*v2, "metadata.annotations") == nullptr);
  }

  TEST_CASE("round-trip annotations sent to v2 are dropped, as v2 has the fields") {
    Cluster cluster;
    json::object object = V2Autoscaler("g");
    object["metadata"].as_object()["annotations"] =
        json::object{{"team", "shop"}, {kMetricsAnnotation, "[]"}, {kBehaviorAnnotation, "{}"}};
    REQUIRE(cluster.v2().Create("default", object, WriteOptions()).ok());
    CHECK(cluster.Stored("g").at("metadata").at("annotations") == json::object{{"team", "shop"}});
  }

  TEST_CASE("an unchanged v1 write is no write at all") {
    Cluster cluster;
    auto created = cluster.v2().Create("default", V2Autoscaler("c"), WriteOptions());
    REQUIRE(created.ok());
    auto same = cluster.v1().Update(
        "default", "c", [](json::object current) -> Result<json::object> { return current; }, false,
        WriteOptions());
    REQUIRE(same.ok());
    CHECK(Rv(*same) == Rv(*created));
  }

  TEST_CASE("v1's status subresource writes the v2 status") {
    Cluster cluster;
    REQUIRE(cluster.v1().Create("default", V1Autoscaler("d"), WriteOptions()).ok());
    auto written = cluster.v1().Update(
        "default", "d",
        [](json::object current) -> Result<json::object> {
          current["status"] = json::parse(R"({"currentReplicas":2,"desiredReplicas":3,
              "currentCPUUtilizationPercentage":70})");
          current["spec"].as_object()["maxReplicas"] = 9;  // ignored by a status write
          return current;
        },
        true, WriteOptions());
    REQUIRE(written.ok());
    auto v2 = cluster.v2().Get("default", "d");
    REQUIRE(v2.ok());
    CHECK(IntAt(*v2, "spec.maxReplicas") == 3);
    CHECK(v2->at("status") == json::parse(R"({"currentReplicas":2,"desiredReplicas":3,
        "currentMetrics":[{"type":"Resource","resource":{"name":"cpu",
          "current":{"averageUtilization":70}}}]})"));
  }

  TEST_CASE("an invalid v1 autoscaler is refused with v1's field name and not stored") {
    Cluster cluster;
    json::object object = V1Autoscaler("e");
    object["spec"].as_object()["targetCPUUtilizationPercentage"] = 0;
    auto created = cluster.v1().Create("default", object, WriteOptions());
    REQUIRE_FALSE(created.ok());
    CHECK(created.status().code() == Code::kInvalidArgument);
    CHECK(created.status().message() ==
          "HorizontalPodAutoscaler.autoscaling \"e\" is invalid: "
          "spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0");
    CHECK(cluster.v2().Get("default", "e").status().code() == Code::kNotFound);
  }

  TEST_CASE("the same name through the other version is taken, and deleting through one removes it") {
    Cluster cluster;
    REQUIRE(cluster.v2().Create("default", V2Autoscaler("f"), WriteOptions()).ok());
    auto again = cluster.v1().Create("default", V1Autoscaler("f"), WriteOptions());
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == Code::kAlreadyExists);
    auto deleted = cluster.v1().Delete("default", "f", DeleteOptions());
    REQUIRE(deleted.ok());
    CHECK(StringAt(*deleted, "apiVersion") == "autoscaling/v1");
    CHECK(cluster.v2().Get("default", "f").status().code() == Code::kNotFound);
  }
}

}  // namespace mini::cluster::registry::autoscaling
