// The strategic merge patches kubectl 1.32 sends, applied to objects as the API server stores
// them (defaults filled in, status written by controllers), with the built-in schema.
#include <doctest/doctest.h>

#include <string>

#include "cluster/api/patch/json_order.h"
#include "cluster/api/patch/strategic_merge_patch.h"
#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::BuiltinType;
using testing::J;
using testing::S;

boost::json::value Patched(const boost::json::value& live, std::string_view patch,
                           const schema::Type* type) {
  auto result = ApplyStrategicMergePatch(live, J(patch), type);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return *result;
}

const schema::Type* Deployment() { return BuiltinType("apps/v1", "Deployment"); }

// A Deployment created by `kubectl apply -f`, as stored: defaulted and with status.
constexpr char kLiveDeployment[] = R"({
  "apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"7","generation":1,
    "labels":{"app":"web","tier":"backend"},
    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"old\":true}\n"}},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
    "revisionHistoryLimit":10,"progressDeadlineSeconds":600,
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"web","image":"nginx:1.27",
          "ports":[{"containerPort":80,"protocol":"TCP"}],
          "env":[{"name":"MODE","value":"one"}],
          "imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log"},
        {"name":"sidecar","image":"busybox"}],
        "restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}},
  "status":{"replicas":2,"readyReplicas":2}})";

TEST_SUITE("api/patch/kubectl") {
  TEST_CASE("apply after editing the manifest: new image, a label removed") {
    // What kubectl computes from last-applied, the edited file and the live object.
    auto result = Patched(J(kLiveDeployment), R"({
      "metadata":{"annotations":{
                    "kubectl.kubernetes.io/last-applied-configuration":"{\"new\":true}\n"},
                  "labels":{"tier":null}},
      "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                                  "containers":[{"image":"nginx:1.28","name":"web"}]}}}})",
                          Deployment());
    auto expected = J(kLiveDeployment);
    auto& metadata = expected.at("metadata").as_object();
    metadata["labels"] = J(R"({"app":"web"})");
    metadata["annotations"] =
        J(R"({"kubectl.kubernetes.io/last-applied-configuration":"{\"new\":true}\n"})");
    expected.at("spec").at("template").at("spec").at("containers").at(0).as_object()["image"] =
        "nginx:1.28";
    CHECK(S(result) == S(expected));
  }

  TEST_CASE("apply after removing a container, an env var and changing another") {
    auto result = Patched(J(kLiveDeployment), R"({"spec":{"template":{"spec":{
        "$setElementOrder/containers":[{"name":"web"}],
        "containers":[{"$setElementOrder/env":[{"name":"MODE"},{"name":"EXTRA"}],
                       "env":[{"name":"MODE","value":"two"},{"name":"EXTRA","value":"x"}],
                       "name":"web"},
                      {"$patch":"delete","name":"sidecar"}]}}}})",
                          Deployment());
    const auto& containers = result.at("spec").at("template").at("spec").at("containers");
    REQUIRE(containers.as_array().size() == 1);
    CHECK(S(containers.at(0).at("env")) ==
          R"([{"name":"MODE","value":"two"},{"name":"EXTRA","value":"x"}])");
    CHECK(containers.at(0).at("imagePullPolicy") == "IfNotPresent");
  }

  TEST_CASE("set image and rollout restart") {
    auto live = J(kLiveDeployment);
    auto image = Patched(live, R"({"spec":{"template":{"spec":{
        "$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
        "containers":[{"image":"nginx:1.28","name":"web"}]}}}})",
                         Deployment());
    const auto& containers = image.at("spec").at("template").at("spec").at("containers");
    CHECK(containers.at(0).at("image") == "nginx:1.28");
    CHECK(containers.at(1).at("image") == "busybox");

    auto restarted = Patched(live, R"({"spec":{"template":{"metadata":{"annotations":{
        "kubectl.kubernetes.io/restartedAt":"2025-05-01T10:00:00Z"}}}}})",
                             Deployment());
    CHECK(S(restarted.at("spec").at("template").at("metadata")) ==
          R"({"labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/restartedAt":)"
          R"("2025-05-01T10:00:00Z"}})");
  }

  TEST_CASE("apply switching the strategy from RollingUpdate to Recreate") {
    // The manifest never named rollingUpdate (defaulted by the server) or named it before;
    // either way kubectl's $retainKeys clears it.
    for (const char* patch : {R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
                              R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,
              "type":"Recreate"}}})"}) {
      CAPTURE(patch);
      auto result = Patched(J(kLiveDeployment), patch, Deployment());
      CHECK(S(result.at("spec").at("strategy")) == R"({"type":"Recreate"})");
    }
  }

  TEST_CASE("kubectl edit sends status too and the patch itself applies all of it") {
    auto result = Patched(J(kLiveDeployment), R"({"metadata":{"labels":{"edited":"yes"}},
        "spec":{"replicas":4},"status":{"replicas":4}})",
                          Deployment());
    CHECK(S(result.at("metadata").at("labels")) ==
          R"({"app":"web","tier":"backend","edited":"yes"})");
    CHECK(result.at("spec").at("replicas") == 4);
    CHECK(result.at("status").at("replicas") == 4);
  }

  TEST_CASE("finalizers merge as a set, removals come as $deleteFromPrimitiveList") {
    auto live = J(R"({"metadata":{"name":"x","finalizers":["a.example/f","server.example/f"]}})");
    const schema::Type* cm = BuiltinType("core/v1", "ConfigMap");
    auto added = Patched(live, R"({"metadata":{"$setElementOrder/finalizers":["a.example/f",
        "c.example/f"],"finalizers":["c.example/f"]}})",
                         cm);
    CHECK(S(added.at("metadata").at("finalizers")) ==
          R"(["a.example/f","c.example/f","server.example/f"])");
    auto removed = Patched(live, R"({"metadata":{"$deleteFromPrimitiveList/finalizers":
        ["a.example/f"],"$setElementOrder/finalizers":[]}})",
                           cm);
    CHECK(S(removed.at("metadata").at("finalizers")) == R"(["server.example/f"])");
  }

  TEST_CASE("cordon and uncordon a node") {
    const schema::Type* node = BuiltinType("core/v1", "Node");
    auto live = J(R"({"metadata":{"name":"n1"},"spec":{"podCIDR":"10.0.0.0/24"}})");
    auto cordoned = Patched(live, R"({"spec":{"unschedulable":true}})", node);
    CHECK(S(cordoned.at("spec")) == R"({"podCIDR":"10.0.0.0/24","unschedulable":true})");
    auto uncordoned = Patched(cordoned, R"({"spec":{"unschedulable":null}})", node);
    CHECK(S(uncordoned.at("spec")) == R"({"podCIDR":"10.0.0.0/24"})");
  }

  TEST_CASE("container ports merge by containerPort, service ports by port") {
    auto pod = J(R"({"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,
        "protocol":"TCP","name":"http"}]}]}})");
    auto with_tls = Patched(pod, R"({"spec":{"$setElementOrder/containers":[{"name":"c"}],
        "containers":[{"$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],
          "name":"c","ports":[{"containerPort":443,"name":"https"}]}]}})",
                            BuiltinType("core/v1", "Pod"));
    CHECK(S(with_tls.at("spec").at("containers").at(0).at("ports")) ==
          R"([{"containerPort":80,"protocol":"TCP","name":"http"},)"
          R"({"containerPort":443,"name":"https"}])");

    auto service = J(R"({"spec":{"ports":[{"port":80,"targetPort":8080,"protocol":"TCP"},
        {"port":443,"targetPort":8443,"protocol":"TCP"}],"selector":{"app":"web","old":"x"}}})");
    auto retargeted = Patched(service, R"({"spec":{"$setElementOrder/ports":[{"port":80},
        {"port":443}],"ports":[{"port":80,"targetPort":9090}],"selector":{"old":null}}})",
                              BuiltinType("core/v1", "Service"));
    CHECK(S(retargeted.at("spec")) ==
          R"({"ports":[{"port":80,"targetPort":9090,"protocol":"TCP"},)"
          R"({"port":443,"targetPort":8443,"protocol":"TCP"}],"selector":{"app":"web"}})");
  }

  TEST_CASE("a volume switching source keeps only the retained keys") {
    auto pod = J(R"({"spec":{"volumes":[{"name":"data","emptyDir":{}},{"name":"cfg",
        "configMap":{"name":"c1"}}]}})");
    auto result = Patched(pod, R"({"spec":{"$setElementOrder/volumes":[{"name":"data"},
        {"name":"cfg"}],"volumes":[{"$retainKeys":["hostPath","name"],"emptyDir":null,
        "hostPath":{"path":"/srv"},"name":"data"}]}})",
                          BuiltinType("core/v1", "Pod"));
    CHECK(
        S(result.at("spec").at("volumes")) ==
        R"([{"name":"data","hostPath":{"path":"/srv"}},{"name":"cfg","configMap":{"name":"c1"}}])");
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
