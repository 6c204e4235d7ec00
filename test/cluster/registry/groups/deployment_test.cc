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

constexpr const char* kDeployment = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "default",
               "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"selector": {"matchLabels": {"app": "web"}},
           "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})";

TEST_CASE("a minimal Deployment gets a real cluster's defaults and is valid") {
  auto strategy = StrategyFor("apps", "deployments", true);
  json::object object = Json(kDeployment);
  CHECK(Lines(Create(*strategy, object)).empty());
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("replicas") == 1);
  CHECK(spec.at("revisionHistoryLimit") == 10);
  CHECK(spec.at("progressDeadlineSeconds") == 600);
  CHECK(spec.at("strategy") == json::parse(R"({"type":"RollingUpdate",
      "rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}})"));
  const json::object& pod = spec.at("template").at("spec").as_object();
  CHECK(pod.at("restartPolicy") == "Always");
  CHECK(pod.at("dnsPolicy") == "ClusterFirst");
}

TEST_CASE("Deployment defaulting keeps what the user chose and is idempotent") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["replicas"] = 0;
  object["spec"].as_object()["strategy"] = json::parse(R"({"type":"Recreate"})");
  strategy->Default(object);
  json::object once = object;
  strategy->Default(object);
  CHECK(object == once);
  CHECK(object["spec"].as_object()["replicas"] == 0);
  CHECK(object["spec"].as_object()["strategy"] == json::parse(R"({"type":"Recreate"})"));
}

TEST_CASE("a Deployment without a selector is refused with upstream's two errors") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object().erase("selector");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "spec.selector: Required value"));
  CHECK(Has(errors,
            R"(spec.template.metadata.labels: Invalid value: )"
            R"(map[string]string{"app":"web"}: `selector` does not match template `labels`)"));
}

TEST_CASE("a Deployment whose selector misses its template labels is refused") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{"app":"api"}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: )"
            R"(`selector` does not match template `labels`)"});
}

TEST_CASE("an empty Deployment selector is refused") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, )"
            R"(MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid )"
            R"(for deployment)"});
}

TEST_CASE("a Deployment with a broken selector gets upstream's invalid label selector") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["selector"] =
      json::parse(R"({"matchExpressions":[{"key":"app","operator":"Foo","values":["web"]}]})");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a )"
                    R"(valid selector operator)"));
  CHECK(Has(errors,
            R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), )"
            R"(MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{)"
            R"(Key:"app", Operator:"Foo", Values:[]string{"web"}}}}: invalid label selector)"));
}

TEST_CASE("Deployment replicas, restart policy and deadlines are checked") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  json::object& spec = object["spec"].as_object();
  spec["replicas"] = -1;
  spec["minReadySeconds"] = 700;
  spec["revisionHistoryLimit"] = -2;
  json::object& pod = spec["template"].as_object()["spec"].as_object();
  pod["restartPolicy"] = "OnFailure";
  pod["activeDeadlineSeconds"] = 30;
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(Has(errors, R"(spec.template.spec.restartPolicy: Unsupported value: "OnFailure": )"
                    R"(supported values: "Always")"));
  CHECK(Has(errors,
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds "
            "in ReplicaSet is not Supported"));
  CHECK(Has(errors,
            "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"));
  CHECK(Has(errors,
            "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than "
            "minReadySeconds"));
}

TEST_CASE("Deployment rolling update limits are checked as upstream") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["strategy"] =
      json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":0}})");
  CHECK(
      Lines(Create(*strategy, object)) ==
      std::vector<std::string>{
          R"(spec.strategy.rollingUpdate.maxUnavailable: Invalid value: )"
          R"(intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0)"});

  object = Json(kDeployment);
  object["spec"].as_object()["strategy"] = json::parse(
      R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"120%","maxSurge":"x"}})");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.strategy.rollingUpdate.maxUnavailable: Invalid value: )"
                    R"(intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater )"
                    R"(than 100%)"));
  CHECK(Has(errors, R"(spec.strategy.rollingUpdate.maxSurge: Invalid value: )"
                    R"(intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: a valid percent string )"
                    R"(must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', )"
                    R"(regex used for validation is '[0-9]+%'))"));
}

TEST_CASE("Deployment strategy types are checked") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["strategy"] =
      json::parse(R"({"type":"Recreate","rollingUpdate":{"maxSurge":1}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.strategy.rollingUpdate: Forbidden: may not be specified "
                                 "when strategy `type` is 'Recreate'"});
  object = Json(kDeployment);
  object["spec"].as_object()["strategy"] = json::parse(R"({"type":"BlueGreen"})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", )"
            R"(RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: )"
            R"("Recreate", "RollingUpdate")"});
}

TEST_CASE("a Deployment's template is validated as a pod template") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  object["spec"].as_object()["template"].as_object()["spec"] = json::object();
  FieldErrors errors = Create(*strategy, object);
  bool names_containers = false;
  for (const std::string& line : Lines(errors)) {
    if (line.rfind("spec.template.spec.containers", 0) == 0) names_containers = true;
  }
  CHECK(names_containers);
}

TEST_CASE("a Deployment's selector may not change") {
  auto strategy = StrategyFor("apps", "deployments", true);
  json::object old = Json(kDeployment);
  strategy->Default(old);
  json::object object = Json(kDeployment);
  object["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{"app":"web2"}})");
  object["spec"].as_object()["template"].as_object()["metadata"] =
      json::parse(R"({"labels":{"app":"web2"}})");
  CHECK(Lines(testing::Update(*strategy, object, old)) ==
        std::vector<std::string>{
            R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string)"
            R"({"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is )"
            R"(immutable)"});
  json::object same = Json(kDeployment);
  same["spec"].as_object()["replicas"] = 5;
  CHECK(Lines(testing::Update(*strategy, same, old)).empty());
}

TEST_CASE("a Deployment's generation moves with its spec and annotations, not its labels") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object old = Json(kDeployment);
  strategy->Default(old);
  json::object labelled = old;
  labelled["metadata"].as_object()["labels"] = json::parse(R"({"team":"a"})");
  CHECK_FALSE(strategy->SpecChanged(labelled, old));
  json::object annotated = old;
  annotated["metadata"].as_object()["annotations"] = json::parse(R"({"note":"x"})");
  CHECK(strategy->SpecChanged(annotated, old));
  json::object scaled = old;
  scaled["spec"].as_object()["replicas"] = 3;
  CHECK(strategy->SpecChanged(scaled, old));
}

TEST_CASE("Deployment status set on create is dropped") {
  auto strategy = StrategyFor("apps", "deployments", true);
  json::object object = Json(kDeployment);
  object["status"] = json::parse(R"({"replicas":9})");
  strategy->PrepareForCreate(object);
  CHECK_FALSE(object.contains("status"));
}

TEST_CASE("kubectl get deployments: READY, UP-TO-DATE, AVAILABLE and the wide columns") {
  auto strategy = StrategyFor("apps", "deployments");
  json::object object = Json(kDeployment);
  strategy->Default(object);
  object["spec"].as_object()["replicas"] = 3;
  object["status"] =
      json::parse(R"({"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2})");
  std::vector<Column> columns = strategy->Columns();
  std::vector<std::string> names;
  for (const Column& column : columns) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age",
                                          "Containers", "Images", "Selector"});
  CHECK(columns[0].format == "name");
  CHECK(columns[5].priority == 1);
  json::array cells = strategy->Cells(object, testing::Time("2024-05-01T10:05:00Z"));
  CHECK(cells == json::array{"web", "2/3", 3, 2, "5m", "web", "nginx:1.27", "app=web"});
}

}  // namespace
}  // namespace mini::cluster::registry
