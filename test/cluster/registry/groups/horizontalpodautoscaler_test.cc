#include <doctest/doctest.h>

#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry {
namespace {

namespace json = boost::json;
using testing::Create;
using testing::Has;
using testing::Json;
using testing::Lines;
using testing::StrategyFor;

const auto kNow = testing::Time("2024-05-01T10:03:00Z");

constexpr const char* kAutoscaler = R"({
  "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
  "metadata": {"name": "web", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
           "maxReplicas": 10}})";

TEST_CASE("an autoscaler defaults to one replica and 80% CPU") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers", true);
  json::object object = Json(kAutoscaler);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("spec").at("minReplicas") == 1);
  CHECK(object.at("spec").at("metrics") ==
        json::parse(R"([{"type":"Resource","resource":{"name":"cpu",
            "target":{"type":"Utilization","averageUtilization":80}}}])"));
  CHECK_FALSE(object.at("spec").as_object().contains("behavior"));
}

TEST_CASE("autoscaler behavior is filled in as upstream when given") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers");
  json::object object = Json(kAutoscaler);
  object["spec"].as_object()["behavior"] =
      json::parse(R"({"scaleDown":{"stabilizationWindowSeconds":60}})");
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("spec").at("behavior") == json::parse(R"({
      "scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max",
                   "policies":[{"type":"Percent","value":100,"periodSeconds":15}]},
      "scaleUp":{"selectPolicy":"Max","stabilizationWindowSeconds":0,
                 "policies":[{"type":"Pods","value":4,"periodSeconds":15},
                             {"type":"Percent","value":100,"periodSeconds":15}]}})"));
}

TEST_CASE("autoscaler replica bounds and target are checked as upstream") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers");
  json::object object = Json(kAutoscaler);
  object["spec"].as_object()["minReplicas"] = 0;
  object["spec"].as_object()["maxReplicas"] = 0;
  object["spec"].as_object()["scaleTargetRef"] = json::parse(R"({"kind":"Deployment"})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
            "spec.maxReplicas: Invalid value: 0: must be greater than 0",
            "spec.scaleTargetRef.name: Required value",
            "spec.metrics: Forbidden: must specify at least one Object or External metric to "
            "support scaling to zero replicas"});
  object = Json(kAutoscaler);
  object["spec"].as_object()["minReplicas"] = 11;
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.maxReplicas: Invalid value: 10: must be greater than or "
                                 "equal to `minReplicas`"});
}

TEST_CASE("autoscaler metrics are checked as upstream") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers");
  json::object object = Json(kAutoscaler);
  object["spec"].as_object()["metrics"] = json::parse(R"([
      {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization"}}},
      {"type":"Pods","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":0}}},
      {"type":"Resource","resource":{"name":"cpu","target":{"type":"Percent","averageUtilization":50,"averageValue":"100m"}}}])");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Lines(errors) ==
        std::vector<std::string>{
            "spec.metrics[0].resource.target.averageUtilization: Required value: must set either "
            "a target raw value or a target utilization",
            "spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be "
            "greater than 0",
            "spec.metrics[1].pods: Required value: must populate information for the given "
            "metric source",
            R"(spec.metrics[2].resource.target.type: Invalid value: "Percent": must be either )"
            R"(Utilization, Value, or AverageValue)",
            "spec.metrics[2].resource.target.averageValue: Forbidden: may not set both a target "
            "raw value and a target utilization"});
}

TEST_CASE("autoscaler scaling rules are checked as upstream") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers");
  json::object object = Json(kAutoscaler);
  object["spec"].as_object()["behavior"] = json::parse(R"({"scaleUp":{
      "stabilizationWindowSeconds":4000,"selectPolicy":"Avg",
      "policies":[{"type":"Nodes","value":0,"periodSeconds":2000}]}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less "
            "than or equal to 3600",
            R"(spec.behavior.scaleUp.selectPolicy: Unsupported value: "Avg": supported values: )"
            R"("Disabled", "Max", "Min")",
            R"(spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported )"
            R"(values: "Percent", "Pods")",
            "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
            "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less "
            "than or equal to 1800"});
}

TEST_CASE("kubectl get hpa: REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS") {
  auto strategy = StrategyFor("autoscaling", "horizontalpodautoscalers");
  json::object object = Json(kAutoscaler);
  strategy->Default(object);
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Reference", "Targets", "MinPods", "MaxPods",
                                          "Replicas", "Age"});
  CHECK(strategy->Cells(object, kNow) ==
        json::array{"web", "Deployment/web", "cpu: <unknown>/80%", "1", 10, 0, "3m"});

  object["status"] = json::parse(R"({"currentReplicas":2,"currentMetrics":[
      {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":45,
                                                             "averageValue":"120m"}}}]})");
  CHECK(strategy->Cells(object, kNow)[2] == "cpu: 45%/80%");
  CHECK(strategy->Cells(object, kNow)[5] == 2);

  object["spec"].as_object()["metrics"] = json::parse(R"([
      {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"0.5Gi"}}},
      {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
      {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"Value","value":"30"}}}])");
  object.erase("status");
  CHECK(strategy->Cells(object, kNow)[2] == "memory: <unknown>/512Mi, <unknown>/10 + 1 more...");
}

}  // namespace
}  // namespace mini::cluster::registry
