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

constexpr const char* kReplicaSet = R"({
  "apiVersion": "apps/v1", "kind": "ReplicaSet",
  "metadata": {"name": "web-6d4cf56db6", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"selector": {"matchLabels": {"app": "web"}},
           "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx"},
                                                {"name": "log", "image": "busybox"}]}}}})";

TEST_CASE("a minimal ReplicaSet gets one replica and is valid") {
  auto strategy = StrategyFor("apps", "replicasets", true);
  json::object object = Json(kReplicaSet);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object["spec"].as_object()["replicas"] == 1);
  CHECK(object["spec"].at("template").at("spec").at("restartPolicy") == "Always");
}

TEST_CASE("ReplicaSet selector and template rules, worded as upstream") {
  auto strategy = StrategyFor("apps", "replicasets");
  json::object object = Json(kReplicaSet);
  object["spec"].as_object()["selector"] = json::object();
  object["spec"].as_object()["minReadySeconds"] = -5;
  FieldErrors errors = Create(*strategy, object);
  // upstream reuses the Deployment wording here.
  CHECK(Has(errors,
            R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:)"
            R"(map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: )"
            R"(empty selector is invalid for deployment)"));
  CHECK(Has(errors, "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"));

  object = Json(kReplicaSet);
  object["spec"].as_object()["template"].as_object()["spec"].as_object()["restartPolicy"] = "Never";
  CHECK(Has(Create(*strategy, object), R"(spec.template.spec.restartPolicy: Unsupported value: )"
                                       R"("Never": supported values: "Always")"));
}

TEST_CASE("a ReplicaSet's selector may not change") {
  auto strategy = StrategyFor("apps", "replicasets");
  json::object old = Json(kReplicaSet);
  strategy->Default(old);
  json::object object = Json(kReplicaSet);
  object["spec"].as_object()["selector"] = json::parse(
      R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"app","operator":"Exists"}]})");
  FieldErrors errors = testing::Update(*strategy, object, old);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "spec.selector");
  CHECK(errors[0].detail == "field is immutable");
}

TEST_CASE("ReplicaSets select on status.replicas") {
  auto strategy = StrategyFor("apps", "replicasets");
  json::object object = Json(kReplicaSet);
  CHECK(strategy->SelectableFields(object) ==
        std::map<std::string, std::string>{{"status.replicas", "0"}});
  object["status"] = json::parse(R"({"replicas":3})");
  CHECK(strategy->SelectableFields(object).at("status.replicas") == "3");
}

TEST_CASE("kubectl get replicasets: DESIRED, CURRENT, READY and the wide columns") {
  auto strategy = StrategyFor("apps", "replicasets");
  json::object object = Json(kReplicaSet);
  strategy->Default(object);
  object["spec"].as_object()["replicas"] = 3;
  object["status"] = json::parse(R"({"replicas":3,"readyReplicas":1})");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Desired", "Current", "Ready", "Age",
                                          "Containers", "Images", "Selector"});
  CHECK(strategy->Cells(object, testing::Time("2024-05-03T12:00:00Z")) ==
        json::array{"web-6d4cf56db6", 3, 3, 1, "2d2h", "web,log", "nginx,busybox", "app=web"});
}

}  // namespace
}  // namespace mini::cluster::registry
