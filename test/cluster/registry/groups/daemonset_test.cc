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

constexpr const char* kDaemonSet = R"({
  "apiVersion": "apps/v1", "kind": "DaemonSet",
  "metadata": {"name": "agent", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"selector": {"matchLabels": {"app": "agent"}},
           "template": {"metadata": {"labels": {"app": "agent"}},
                        "spec": {"containers": [{"name": "agent", "image": "fluentd"}]}}}})";

const char* kGeneration = "deprecated.daemonset.template.generation";

TEST_CASE("a minimal DaemonSet gets a real cluster's defaults and is valid") {
  auto strategy = StrategyFor("apps", "daemonsets", true);
  json::object object = Json(kDaemonSet);
  CHECK(Lines(Create(*strategy, object)).empty());
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("updateStrategy") == json::parse(R"({"type":"RollingUpdate",
      "rollingUpdate":{"maxUnavailable":1,"maxSurge":0}})"));
  CHECK(spec.at("revisionHistoryLimit") == 10);
  CHECK(object.at("metadata").at("annotations").at(kGeneration) == "1");
}

TEST_CASE("a DaemonSet's template generation counts template changes only") {
  auto strategy = StrategyFor("apps", "daemonsets", true);
  json::object old = Json(kDaemonSet);
  Create(*strategy, old);
  json::object same = Json(kDaemonSet);
  CHECK(Lines(testing::Update(*strategy, same, old)).empty());
  CHECK(same.at("metadata").at("annotations").at(kGeneration) == "1");
  json::object changed = Json(kDaemonSet);
  changed["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"] =
      json::parse(R"([{"name":"agent","image":"fluentd:2"}])");
  CHECK(Lines(testing::Update(*strategy, changed, old)).empty());
  CHECK(changed.at("metadata").at("annotations").at(kGeneration) == "2");
}

TEST_CASE("DaemonSet selector rules, worded as upstream") {
  auto strategy = StrategyFor("apps", "daemonsets");
  json::object object = Json(kDaemonSet);
  object["spec"].as_object().erase("selector");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: )"
            R"(`selector` does not match template `labels`)"});
  object = Json(kDaemonSet);
  object["spec"].as_object()["selector"] = json::object();
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
            "daemonset"});
}

TEST_CASE("DaemonSet rolling updates need exactly one of maxUnavailable and maxSurge") {
  auto strategy = StrategyFor("apps", "daemonsets");
  json::object object = Json(kDaemonSet);
  object["spec"].as_object()["updateStrategy"] = json::parse(
      R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":"10%"}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString)"
            R"({Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero)"});
  object = Json(kDaemonSet);
  object["spec"].as_object()["updateStrategy"] =
      json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":0}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.updateStrategy.rollingUpdate.maxUnavailable: Required "
                                 "value: cannot be 0 when maxSurge is 0"});
  object = Json(kDaemonSet);
  object["spec"].as_object()["updateStrategy"] = json::parse(R"({"type":"Surge"})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Surge", )"
            R"(RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: )"
            R"("RollingUpdate", "OnDelete")"});
}

TEST_CASE("DaemonSet templates restart forever and have no deadline") {
  auto strategy = StrategyFor("apps", "daemonsets");
  json::object object = Json(kDaemonSet);
  json::object& pod = object["spec"].as_object()["template"].as_object()["spec"].as_object();
  pod["restartPolicy"] = "Never";
  pod["activeDeadlineSeconds"] = 10;
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.template.spec.restartPolicy: Unsupported value: "Never": supported )"
                    R"(values: "Always")"));
  CHECK(Has(errors,
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds "
            "in DaemonSet is not Supported"));
}

TEST_CASE("a DaemonSet's selector may not change") {
  auto strategy = StrategyFor("apps", "daemonsets");
  json::object old = Json(kDaemonSet);
  Create(*strategy, old);
  json::object object = Json(kDaemonSet);
  object["spec"].as_object()["selector"] =
      json::parse(R"({"matchLabels":{"app":"agent","v":"2"}})");
  object["spec"].as_object()["template"].as_object()["metadata"] =
      json::parse(R"({"labels":{"app":"agent","v":"2"}})");
  FieldErrors errors = testing::Update(*strategy, object, old);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].ToString() ==
        R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string)"
        R"({"app":"agent", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: )"
        R"(field is immutable)");
}

TEST_CASE("kubectl get daemonsets: counts, node selector and the wide columns") {
  auto strategy = StrategyFor("apps", "daemonsets");
  json::object object = Json(kDaemonSet);
  strategy->Default(object);
  object["spec"].as_object()["template"].as_object()["spec"].as_object()["nodeSelector"] =
      json::parse(R"({"kubernetes.io/os":"linux"})");
  object["status"] = json::parse(R"({"desiredNumberScheduled":1,"currentNumberScheduled":1,
      "numberReady":1,"updatedNumberScheduled":1,"numberAvailable":1})");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Desired", "Current", "Ready", "Up-to-date",
                                          "Available", "Node Selector", "Age", "Containers",
                                          "Images", "Selector"});
  CHECK(strategy->Cells(object, testing::Time("2024-05-01T13:10:00Z")) ==
        json::array{"agent", 1, 1, 1, 1, 1, "kubernetes.io/os=linux", "3h10m", "agent", "fluentd",
                    "app=agent"});
  object["spec"].as_object()["template"].as_object()["spec"].as_object().erase("nodeSelector");
  CHECK(strategy->Cells(object, testing::Time("2024-05-01T13:10:00Z"))[6] == "<none>");
}

}  // namespace
}  // namespace mini::cluster::registry
