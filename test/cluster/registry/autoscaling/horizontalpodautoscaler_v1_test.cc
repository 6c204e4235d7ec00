#include <doctest/doctest.h>

#include "cluster/registry/autoscaling/v1_annotations.h"
#include "cluster/registry/printing.h"
#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry::autoscaling {
namespace {

namespace json = boost::json;
using testing::Create;
using testing::Json;
using testing::Lines;

const auto kNow = testing::Time("2024-05-01T10:03:00Z");

// What `kubectl autoscale deployment web --max=3` sends.
constexpr const char* kAutoscaler = R"({
  "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
  "metadata": {"name": "web", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
           "maxReplicas": 3}})";

std::unique_ptr<Strategy> V1Strategy() {
  std::unique_ptr<Strategy> strategy =
      NewStrategy("autoscaling", "v1", "horizontalpodautoscalers", StrategyContext{});
  strategy->set_has_status(true);
  return strategy;
}

json::object& Spec(json::object& object) { return object["spec"].as_object(); }

void Annotate(json::object& object, std::string_view key, std::string_view value) {
  json::value& annotations = object["metadata"].as_object()["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  annotations.as_object()[key] = value;
}

TEST_SUITE("registry/autoscaling/v1_strategy") {
  TEST_CASE("a v1 autoscaler defaults to one replica and 80% CPU, as in Kubernetes") {
    auto strategy = V1Strategy();
    json::object object = Json(kAutoscaler);
    CHECK(Lines(Create(*strategy, object)).empty());
    CHECK(object.at("spec") == json::parse(R"({
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "maxReplicas": 3, "minReplicas": 1, "targetCPUUtilizationPercentage": 80})"));
    CHECK_FALSE(object.at("metadata").as_object().contains("annotations"));
  }

  TEST_CASE("behavior given in its annotation is filled in as v2's") {
    auto strategy = V1Strategy();
    json::object object = Json(kAutoscaler);
    Annotate(object, kBehaviorAnnotation, R"({"ScaleDown":{"StabilizationWindowSeconds":60}})");
    CHECK(Lines(Create(*strategy, object)).empty());
    const json::object* annotations = ObjectAt(object, "metadata.annotations");
    REQUIRE(annotations != nullptr);
    CHECK(
        annotations->at(kBehaviorAnnotation) ==
        R"({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[)"
        R"({"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,)"
        R"("PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,)"
        R"("SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}})");
  }

  TEST_CASE("v2's rules apply, named by v1's field where it has one") {
    auto strategy = V1Strategy();
    json::object object = Json(kAutoscaler);
    Spec(object)["minReplicas"] = 0;
    Spec(object)["maxReplicas"] = 0;
    Spec(object)["targetCPUUtilizationPercentage"] = 0;
    Spec(object)["scaleTargetRef"] = json::parse(R"({"kind":"Deployment"})");
    CHECK(Lines(Create(*strategy, object)) ==
          std::vector<std::string>{
              "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
              "spec.maxReplicas: Invalid value: 0: must be greater than 0",
              "spec.scaleTargetRef.name: Required value",
              "spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0",
              "spec.metrics: Forbidden: must specify at least one Object or External metric to "
              "support scaling to zero replicas"});

    // A metric from the annotation keeps its v2 path, as Kubernetes reports it.
    object = Json(kAutoscaler);
    Spec(object)["targetCPUUtilizationPercentage"] = -5;
    Annotate(object, kMetricsAnnotation, R"([{"type":"Pods","pods":{"metricName":"qps"}}])");
    CHECK(Lines(Create(*strategy, object)) ==
          std::vector<std::string>{
              "spec.metrics[0].pods.target.averageValue: Required value: must specify a positive "
              "target averageValue",
              "spec.targetCPUUtilizationPercentage: Invalid value: -5: must be greater than 0"});
  }

  TEST_CASE("an update keeps the status, a status update keeps the spec, annotations included") {
    auto strategy = V1Strategy();
    json::object old = Json(kAutoscaler);
    Annotate(old, kMetricsAnnotation, R"([{"type":"Pods","pods":{"metricName":"qps",
        "targetAverageValue":"10"}}])");
    Annotate(old, kConditionsAnnotation, R"([{"type":"AbleToScale","status":"True"}])");
    old["status"] = json::parse(R"({"currentReplicas":2,"desiredReplicas":2})");

    json::object update = Json(kAutoscaler);
    update["status"] = json::parse(R"({"currentReplicas":9,"desiredReplicas":9})");
    strategy->PrepareForUpdate(update, old);
    CHECK(update.at("status") == old.at("status"));
    CHECK(Lines(strategy->ValidateUpdate(update, old)).empty());
    CHECK(ObjectAt(update, "metadata.annotations")->at(kConditionsAnnotation) ==
          R"([{"type":"AbleToScale","status":"True"}])");
    CHECK_FALSE(ObjectAt(update, "metadata.annotations")->contains(kMetricsAnnotation));
    CHECK(strategy->SpecChanged(update, old));

    json::object status = Json(kAutoscaler);
    Spec(status)["maxReplicas"] = 7;
    status["status"] = json::parse(R"({"currentReplicas":3,"desiredReplicas":4,
        "currentCPUUtilizationPercentage":40})");
    strategy->PrepareForStatusUpdate(status, old);
    CHECK(IntAt(status, "spec.maxReplicas") == 3);
    CHECK(IntAt(status, "status.currentCPUUtilizationPercentage") == 40);
    const json::object* annotations = ObjectAt(status, "metadata.annotations");
    REQUIRE(annotations != nullptr);
    CHECK(annotations->contains(kMetricsAnnotation));
    CHECK_FALSE(annotations->contains(kConditionsAnnotation));
    CHECK_FALSE(strategy->SpecChanged(status, old));
  }

  TEST_CASE("kubectl get hpa shows v1 autoscalers with v2's columns") {
    auto strategy = V1Strategy();
    std::vector<std::string> names;
    for (const Column& column : strategy->Columns()) names.push_back(column.name);
    CHECK(names == std::vector<std::string>{"Name", "Reference", "Targets", "MinPods", "MaxPods",
                                            "Replicas", "Age"});
    json::object object = Json(kAutoscaler);
    Spec(object)["targetCPUUtilizationPercentage"] = 50;
    strategy->Default(object);
    CHECK(strategy->Cells(object, kNow) ==
          json::array{"web", "Deployment/web", "cpu: <unknown>/50%", "1", 3, 0, "3m"});
  }
}

}  // namespace
}  // namespace mini::cluster::registry::autoscaling
