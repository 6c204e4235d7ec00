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

constexpr const char* kStatefulSet = R"({
  "apiVersion": "apps/v1", "kind": "StatefulSet",
  "metadata": {"name": "db", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
           "template": {"metadata": {"labels": {"app": "db"}},
                        "spec": {"containers": [{"name": "pg", "image": "postgres:16",
                                                 "volumeMounts": [{"name": "data",
                                                                   "mountPath": "/data"}]}]}},
           "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                     "spec": {"accessModes": ["ReadWriteOnce"],
                                              "resources": {"requests": {"storage": "1Gi"}}}}]}})";

TEST_CASE("a minimal StatefulSet gets a real cluster's defaults and is valid") {
  auto strategy = StrategyFor("apps", "statefulsets", true);
  json::object object = Json(kStatefulSet);
  // Its containers mount a claim template, which is no volume of the pod spec.
  CHECK(Lines(Create(*strategy, object)).empty());
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("replicas") == 1);
  CHECK(spec.at("revisionHistoryLimit") == 10);
  CHECK(spec.at("podManagementPolicy") == "OrderedReady");
  CHECK(spec.at("updateStrategy") ==
        json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"partition":0}})"));
  CHECK(spec.at("persistentVolumeClaimRetentionPolicy") ==
        json::parse(R"({"whenDeleted":"Retain","whenScaled":"Retain"})"));
  const json::object& claim = spec.at("volumeClaimTemplates").at(0).as_object();
  CHECK(claim.at("apiVersion") == "v1");
  CHECK(claim.at("kind") == "PersistentVolumeClaim");
  CHECK(claim.at("spec").at("volumeMode") == "Filesystem");
  CHECK(claim.at("status") == json::parse(R"({"phase":"Pending"})"));
}

TEST_CASE("an explicit StatefulSet update strategy keeps its own shape") {
  auto strategy = StrategyFor("apps", "statefulsets");
  json::object object = Json(kStatefulSet);
  object["spec"].as_object()["updateStrategy"] = json::parse(R"({"type":"OnDelete"})");
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object["spec"].at("updateStrategy") == json::parse(R"({"type":"OnDelete"})"));
}

TEST_CASE("StatefulSet names are DNS labels, since pods take their hostname from them") {
  auto strategy = StrategyFor("apps", "statefulsets");
  CHECK(strategy->ValidateName("db").empty());
  CHECK_FALSE(strategy->ValidateName("db.v1").empty());
}

TEST_CASE("StatefulSet spec rules, worded as upstream") {
  auto strategy = StrategyFor("apps", "statefulsets");
  json::object object = Json(kStatefulSet);
  json::object& spec = object["spec"].as_object();
  spec["podManagementPolicy"] = "Random";
  spec["updateStrategy"] = json::parse(
      R"({"type":"RollingUpdate","rollingUpdate":{"partition":-1,"maxUnavailable":0}})");
  spec["persistentVolumeClaimRetentionPolicy"] =
      json::parse(R"({"whenDeleted":"Keep","whenScaled":"Retain"})");
  spec["ordinals"] = json::parse(R"({"start":-3})");
  spec["template"].as_object()["spec"].as_object()["restartPolicy"] = "OnFailure";
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' )"
                    R"(or 'Parallel')"));
  CHECK(Has(errors,
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be "
            "greater than or equal to 0"));
  CHECK(Has(errors, R"(spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: )"
                    R"(intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0)"));
  CHECK(Has(errors, R"(spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported )"
                    R"(value: "Keep": supported values: "Retain", "Delete")"));
  CHECK(Has(errors, "spec.ordinals.start: Invalid value: -3: must be greater than or equal to 0"));
  CHECK(Has(errors, R"(spec.template.spec.restartPolicy: Unsupported value: "OnFailure": )"
                    R"(supported values: "Always")"));

  object = Json(kStatefulSet);
  object["spec"].as_object()["updateStrategy"] =
      json::parse(R"({"type":"OnDelete","rollingUpdate":{"partition":1}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "spec.updateStrategy.rollingUpdate: Invalid value: "
            "apps.RollingUpdateStatefulSetStrategy{Partition:1, "
            "MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy "
            "'RollingUpdate'"});

  object = Json(kStatefulSet);
  object["spec"].as_object()["updateStrategy"] = json::parse(R"({"type":"Blue"})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:"Blue", )"
            R"(RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be )"
            R"('RollingUpdate' or 'OnDelete')"});
}

TEST_CASE("StatefulSet selectors: required, not empty, matching the template") {
  auto strategy = StrategyFor("apps", "statefulsets");
  json::object object = Json(kStatefulSet);
  object["spec"].as_object().erase("selector");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "spec.selector: Required value"));
  CHECK(Has(errors, R"(spec.template.metadata.labels: Invalid value: map[string]string)"
                    R"({"app":"db"}: `selector` does not match template `labels`)"));
  object = Json(kStatefulSet);
  object["spec"].as_object()["selector"] = json::object();
  CHECK(Has(Create(*strategy, object),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
            "statefulset"));
}

TEST_CASE("StatefulSet updates may only touch upstream's short list of fields") {
  auto strategy = StrategyFor("apps", "statefulsets", true);
  json::object old = Json(kStatefulSet);
  strategy->Default(old);
  json::object scaled = Json(kStatefulSet);
  scaled["spec"].as_object()["replicas"] = 3;
  scaled["spec"].as_object()["minReadySeconds"] = 5;
  scaled["spec"].as_object()["updateStrategy"] = json::parse(R"({"type":"OnDelete"})");
  CHECK(Lines(testing::Update(*strategy, scaled, old)).empty());

  json::object resized = Json(kStatefulSet);
  resized["spec"]
      .as_object()["volumeClaimTemplates"]
      .as_array()[0]
      .as_object()["spec"]
      .as_object()["resources"] = json::parse(R"({"requests":{"storage":"2Gi"}})");
  CHECK(Lines(testing::Update(*strategy, resized, old)) ==
        std::vector<std::string>{
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
            "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
            "'minReadySeconds' are forbidden"});
}

TEST_CASE("kubectl get statefulsets: READY and the wide columns") {
  auto strategy = StrategyFor("apps", "statefulsets");
  json::object object = Json(kStatefulSet);
  strategy->Default(object);
  object["spec"].as_object()["replicas"] = 3;
  object["status"] = json::parse(R"({"readyReplicas":2})");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Ready", "Age", "Containers", "Images"});
  CHECK(strategy->Cells(object, testing::Time("2024-05-01T10:00:42Z")) ==
        json::array{"db", "2/3", "42s", "pg", "postgres:16"});
}

}  // namespace
}  // namespace mini::cluster::registry
