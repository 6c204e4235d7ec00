#include "cluster/registry/autoscaling/v1_conversion.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/registry/autoscaling/v1_annotations.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

json::object Json(std::string_view text) { return json::parse(text).as_object(); }

// A v2 autoscaler using every kind of metric, behavior, measured metrics and conditions.
constexpr const char* kV2 = R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
  "metadata":{"name":"web","namespace":"default","uid":"u-1","annotations":{"team":"shop"}},
  "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
    "minReplicas":2,"maxReplicas":10,
    "metrics":[
      {"type":"Pods","pods":{"metric":{"name":"packets"},
        "target":{"type":"AverageValue","averageValue":"1k"}}},
      {"type":"Resource","resource":{"name":"cpu",
        "target":{"type":"Utilization","averageUtilization":60}}},
      {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main"},
        "metric":{"name":"requests","selector":{"matchLabels":{"path":"root"}}},
        "target":{"type":"AverageValue","averageValue":"50"}}},
      {"type":"External","external":{"metric":{"name":"queue"},
        "target":{"type":"Value","value":"30"}}},
      {"type":"Resource","resource":{"name":"memory",
        "target":{"type":"AverageValue","averageValue":"500Mi"}}},
      {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
        "target":{"type":"Utilization","averageUtilization":70}}}],
    "behavior":{
      "scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Min",
        "policies":[{"type":"Percent","value":10,"periodSeconds":60}]},
      "scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
        "policies":[{"type":"Pods","value":4,"periodSeconds":15}]}}},
  "status":{"observedGeneration":3,"lastScaleTime":"2024-05-01T10:00:00Z",
    "currentReplicas":2,"desiredReplicas":3,
    "currentMetrics":[
      {"type":"Pods","pods":{"metric":{"name":"packets"},"current":{"averageValue":"800"}}},
      {"type":"Resource","resource":{"name":"cpu",
        "current":{"averageValue":"120m","averageUtilization":75}}}],
    "conditions":[{"type":"AbleToScale","status":"True",
      "lastTransitionTime":"2024-05-01T10:00:00Z","reason":"ReadyForNewScale"}]}})";

// The same autoscaler as v1 shows it; the annotations are byte for byte what Kubernetes writes.
constexpr const char* kV1 = R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
  "metadata":{"name":"web","namespace":"default","uid":"u-1","annotations":{"team":"shop",
    "autoscaling.alpha.kubernetes.io/behavior":"{\"ScaleUp\":{\"StabilizationWindowSeconds\":0,\"SelectPolicy\":\"Max\",\"Policies\":[{\"Type\":\"Pods\",\"Value\":4,\"PeriodSeconds\":15}]},\"ScaleDown\":{\"StabilizationWindowSeconds\":300,\"SelectPolicy\":\"Min\",\"Policies\":[{\"Type\":\"Percent\",\"Value\":10,\"PeriodSeconds\":60}]}}",
    "autoscaling.alpha.kubernetes.io/conditions":"[{\"type\":\"AbleToScale\",\"status\":\"True\",\"lastTransitionTime\":\"2024-05-01T10:00:00Z\",\"reason\":\"ReadyForNewScale\"}]",
    "autoscaling.alpha.kubernetes.io/current-metrics":"[{\"type\":\"Pods\",\"pods\":{\"metricName\":\"packets\",\"currentAverageValue\":\"800\"}},{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":75,\"currentAverageValue\":\"120m\"}}]",
    "autoscaling.alpha.kubernetes.io/metrics":"[{\"type\":\"Pods\",\"pods\":{\"metricName\":\"packets\",\"targetAverageValue\":\"1k\"}},{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Ingress\",\"name\":\"main\"},\"metricName\":\"requests\",\"selector\":{\"matchLabels\":{\"path\":\"root\"}},\"averageValue\":\"50\"}},{\"type\":\"External\",\"external\":{\"metricName\":\"queue\",\"targetValue\":\"30\"}},{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"500Mi\"}},{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"cpu\",\"targetAverageUtilization\":70,\"container\":\"app\"}}]"}},
  "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
    "minReplicas":2,"maxReplicas":10,"targetCPUUtilizationPercentage":60},
  "status":{"observedGeneration":3,"lastScaleTime":"2024-05-01T10:00:00Z",
    "currentReplicas":2,"desiredReplicas":3,"currentCPUUtilizationPercentage":75}})";

json::object Annotations(const json::object& object) {
  const json::object* annotations = ObjectAt(object, "metadata.annotations");
  return annotations ? *annotations : json::object();
}

}  // namespace

TEST_SUITE("registry/autoscaling/v1_conversion") {
  TEST_CASE("a v2 autoscaler reads as v1 with what v1 cannot say in annotations") {
    json::object v1 = AutoscalerFromV2(Json(kV2));
    CHECK(json::serialize(v1.at("metadata")) == json::serialize(Json(kV1).at("metadata")));
    CHECK(v1 == Json(kV1));
  }

  TEST_CASE("a v1 autoscaler with the annotations is the v2 autoscaler, CPU target last") {
    json::object v2 = AutoscalerToV2(Json(kV1));
    json::object expected = Json(kV2);
    json::array& metrics = expected["spec"].as_object()["metrics"].as_array();
    json::value cpu = metrics[1];
    metrics.erase(metrics.begin() + 1);
    metrics.push_back(cpu);
    CHECK(v2 == expected);
    // Once in that order, the round trip through v1 changes nothing.
    CHECK(AutoscalerToV2(AutoscalerFromV2(expected)) == expected);
    CHECK(AutoscalerFromV2(AutoscalerToV2(Json(kV1))) == Json(kV1));
  }

  TEST_CASE("a plain v1 autoscaler gets no annotations, and the 80% CPU target when it has none") {
    json::object v1 = Json(R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
        "metadata":{"name":"web"},
        "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3}})");
    json::object v2 = AutoscalerToV2(v1);
    CHECK(v2 == Json(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
        "metadata":{"name":"web"},
        "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3,
          "metrics":[{"type":"Resource","resource":{"name":"cpu",
            "target":{"type":"Utilization","averageUtilization":80}}}]}})"));
    v1["spec"].as_object()["targetCPUUtilizationPercentage"] = 80;
    CHECK(AutoscalerFromV2(v2) == v1);
  }

  TEST_CASE("v1's CPU figures map to v2's Resource metric on cpu") {
    json::object v2 = AutoscalerToV2(Json(R"({"metadata":{"name":"web"},
        "spec":{"maxReplicas":3,"targetCPUUtilizationPercentage":50},
        "status":{"currentReplicas":1,"desiredReplicas":1,"currentCPUUtilizationPercentage":42}})"));
    CHECK(v2.at("spec").at("metrics") ==
          json::parse(R"([{"type":"Resource","resource":{"name":"cpu",
              "target":{"type":"Utilization","averageUtilization":50}}}])"));
    CHECK(v2.at("status") == json::parse(R"({"currentReplicas":1,"desiredReplicas":1,
        "currentMetrics":[{"type":"Resource","resource":{"name":"cpu",
          "current":{"averageUtilization":42}}}]})"));
  }

  TEST_CASE("annotations as Kubernetes writes them are read back") {
    // Go writes a zero targetValue beside an average target; it means no value.
    json::object v1 = Json(R"({"metadata":{"name":"web","annotations":{
        "autoscaling.alpha.kubernetes.io/metrics":"[{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Service\",\"name\":\"s\"},\"metricName\":\"m\",\"targetValue\":\"0\",\"averageValue\":\"5\"}}]",
        "autoscaling.alpha.kubernetes.io/behavior":"{\"scaleUp\":{\"stabilizationWindowSeconds\":30},\"ScaleDown\":null}"}},
        "spec":{"maxReplicas":3}})");
    json::object v2 = AutoscalerToV2(v1);
    CHECK(v2.at("spec").at("metrics") ==
          json::parse(R"([{"type":"Object","object":{"describedObject":{"kind":"Service",
              "name":"s"},"metric":{"name":"m"},
              "target":{"type":"AverageValue","averageValue":"5"}}}])"));
    // Go's decoder matches field names in any case.
    CHECK(v2.at("spec").at("behavior") ==
          json::parse(R"({"scaleUp":{"stabilizationWindowSeconds":30}})"));
    CHECK_FALSE(v2.at("metadata").as_object().contains("annotations"));
  }

  TEST_CASE("annotations that do not parse are dropped, as Kubernetes ignores them") {
    json::object v1 = Json(R"({"metadata":{"name":"web","annotations":{"keep":"me",
        "autoscaling.alpha.kubernetes.io/metrics":"not json",
        "autoscaling.alpha.kubernetes.io/behavior":"{\"ScaleUp\":{\"Policies\":\"many\"}}",
        "autoscaling.alpha.kubernetes.io/conditions":"{}"}},
        "spec":{"maxReplicas":3,"targetCPUUtilizationPercentage":50}})");
    json::object v2 = AutoscalerToV2(v1);
    CHECK(Annotations(v2) == Json(R"({"keep":"me"})"));
    CHECK(v2.at("spec").at("metrics").as_array().size() == 1);
    CHECK_FALSE(v2.at("spec").as_object().contains("behavior"));
    CHECK_FALSE(v2.contains("status"));
    CHECK_FALSE(BehaviorFromGo("{}").has_value());
    CHECK_FALSE(BehaviorFromGo(R"({"ScaleUp":{"Policies":[{"Value":1.5}]}})").has_value());
    CHECK(BehaviorFromGo(R"({"ScaleUp":{"Value":1.5}})").has_value());  // unknown: ignored
  }

  TEST_CASE("stale round-trip annotations on a v2 object give way to its fields") {
    json::object v2 = Json(R"({"metadata":{"name":"web","annotations":{
        "autoscaling.alpha.kubernetes.io/metrics":"[]",
        "autoscaling.alpha.kubernetes.io/conditions":"[]"}},
        "spec":{"maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"cpu",
          "target":{"type":"Utilization","averageUtilization":50}}}]}})");
    json::object v1 = AutoscalerFromV2(v2);
    CHECK_FALSE(v1.at("metadata").as_object().contains("annotations"));
    CHECK(v1.at("spec") == json::parse(R"({"maxReplicas":3,"targetCPUUtilizationPercentage":50})"));
  }

  TEST_CASE("a second CPU utilization target is kept with the other metrics") {
    json::object v2 = Json(R"({"metadata":{"name":"web"},"spec":{"maxReplicas":3,"metrics":[
        {"type":"Resource","resource":{"name":"cpu","target":{"type":"AverageValue",
          "averageValue":"200m"}}},
        {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization",
          "averageUtilization":50}}},
        {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization",
          "averageUtilization":90}}}]}})");
    json::object v1 = AutoscalerFromV2(v2);
    CHECK(IntAt(v1, "spec.targetCPUUtilizationPercentage") == 50);
    json::array metrics = AutoscalerToV2(v1).at("spec").at("metrics").as_array();
    REQUIRE(metrics.size() == 3);
    CHECK(metrics[0] == v2.at("spec").at("metrics").at(0));
    CHECK(metrics[1] == v2.at("spec").at("metrics").at(2));
    CHECK(metrics[2] == v2.at("spec").at("metrics").at(1));
  }

  TEST_CASE("autoscaling/v1 autoscalers are stored as v2 ones") {
    std::unique_ptr<Converter> converter =
        NewConverter("autoscaling", "v1", "horizontalpodautoscalers");
    REQUIRE(converter != nullptr);
    CHECK(converter->StoredAs().group == "autoscaling");
    CHECK(converter->StoredAs().resource == "horizontalpodautoscalers");
    CHECK(converter->FromStorage(Json(kV2)) == Json(kV1));
    CHECK(NewConverter("autoscaling", "v2", "horizontalpodautoscalers") == nullptr);
  }
}

}  // namespace mini::cluster::registry::autoscaling
