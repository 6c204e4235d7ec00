#include "cluster/registry/core/pod.h"

#include <doctest/doctest.h>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/groups.h"
#include "test/cluster/registry/core/test_util.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
using testing::Describe;
using testing::HasError;
using testing::Parse;

namespace {

using Clock = std::chrono::system_clock;

std::unique_ptr<Strategy> Pods() {
  std::unique_ptr<Strategy> strategy = NewStrategy("pods", {});
  strategy->set_has_status(true);
  return strategy;
}

json::object Created(std::string_view text) {
  json::object pod = Parse(text);
  auto strategy = Pods();
  strategy->PrepareForCreate(pod);
  strategy->Default(pod);
  return pod;
}

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1700000000));

std::string Ago(std::chrono::seconds seconds) { return mini::api::meta::Rfc3339(kNow - seconds); }

// A pod row's STATUS and RESTARTS for a status block.
json::array Row(std::string_view status, std::string_view extra_spec = "") {
  std::string text = std::string(R"({"metadata":{"name":"web-1","creationTimestamp":")") +
                     Ago(std::chrono::seconds(300)) + R"("},"spec":{"containers":[{"name":"a",
      "image":"x"}])" +
                     std::string(extra_spec) + R"(},"status":)" + std::string(status) + "}";
  return PodCells(Parse(text), kNow);
}

}  // namespace

TEST_SUITE("registry/core/pod") {
  TEST_CASE("a created pod is Pending with its QoS class and admission defaults") {
    json::object pod = Created(R"({"metadata":{"name":"web"},"spec":{"containers":[
        {"name":"web","image":"nginx:1.27"}]},"status":{"phase":"Running","podIP":"1.2.3.4"}})");
    CHECK(pod["status"] == Parse(R"({"phase":"Pending","qosClass":"BestEffort"})"));
    const json::object& spec = pod["spec"].as_object();
    CHECK(spec.at("enableServiceLinks") == true);
    CHECK(spec.at("priority") == 0);
    CHECK(spec.at("preemptionPolicy") == "PreemptLowerPriority");
    CHECK(spec.at("serviceAccountName") == "default");
    CHECK(spec.at("serviceAccount") == "default");
    CHECK(spec.at("restartPolicy") == "Always");
    CHECK(spec.at("containers").as_array()[0].at("imagePullPolicy") == "IfNotPresent");
    CHECK(Pods()->Validate(pod).empty());
  }

  TEST_CASE("system priority classes resolve without a lookup") {
    json::object pod = Created(R"({"spec":{"priorityClassName":"system-node-critical",
        "containers":[{"name":"a","image":"x"}]}})");
    CHECK(pod["spec"].at("priority") == 2000001000);
  }

  TEST_CASE("QoS classes follow requests and limits") {
    auto qos = [](std::string_view resources) {
      json::object pod = Created(std::string(R"({"spec":{"containers":[{"name":"a","image":"x",
          "resources":)") + std::string(resources) +
                                 "}]}}");
      return std::string(pod["status"].at("qosClass").as_string());
    };
    CHECK(qos("{}") == "BestEffort");
    CHECK(qos(R"({"requests":{"cpu":"100m"}})") == "Burstable");
    CHECK(qos(R"({"limits":{"cpu":"1","memory":"1Gi"}})") == "Guaranteed");
    CHECK(qos(R"({"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1000m",
                 "memory":"1024Mi"}})") == "Guaranteed");
    CHECK(qos(R"({"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"cpu":"1",
                 "memory":"1Gi"}})") == "Burstable");
    CHECK(qos(R"({"limits":{"cpu":"1"}})") == "Burstable");
  }

  TEST_CASE("limits alone become requests") {
    json::object pod = Created(R"({"spec":{"containers":[{"name":"a","image":"x",
        "resources":{"limits":{"memory":"128Mi"}}}]}})");
    CHECK(pod["spec"].at("containers").as_array()[0].at("resources").at("requests") ==
          Parse(R"({"memory":"128Mi"})"));
  }

  TEST_CASE("pods may not set ephemeral containers on create") {
    json::object pod = Created(R"({"spec":{"containers":[{"name":"a","image":"x"}],
        "ephemeralContainers":[{"name":"d","image":"busybox"}]}})");
    FieldErrors errors = Pods()->Validate(pod);
    CHECK_MESSAGE(HasError(errors, "spec.ephemeralContainers: Forbidden: cannot be set on create"),
                  Describe(errors));
  }

  TEST_CASE("an update may change images but not other spec fields") {
    json::object old = Created(R"({"spec":{"containers":[{"name":"a","image":"nginx:1",
        "ports":[{"containerPort":80}]}]}})");
    auto strategy = Pods();
    json::object images = old;
    images["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "nginx:2";
    images["spec"].as_object()["activeDeadlineSeconds"] = 30;
    CHECK_MESSAGE(strategy->ValidateUpdate(images, old).empty(),
                  Describe(strategy->ValidateUpdate(images, old)));

    json::object ports = old;
    ports["spec"].as_object()["containers"].as_array()[0].as_object()["ports"] =
        Parse(R"({"p":[{"containerPort":81,"protocol":"TCP"}]})")["p"];
    FieldErrors errors = strategy->ValidateUpdate(ports, old);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "spec");
    CHECK(errors[0].Message().rfind(
              "Forbidden: pod updates may not change fields other than "
              "`spec.containers[*].image`,`spec.initContainers[*].image`,"
              "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
              "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
              "was previously negative)\n",
              0) == 0);

    json::object more = old;
    more["spec"].as_object()["containers"].as_array().push_back(
        Parse(R"({"name":"b","image":"x"})"));
    errors = strategy->ValidateUpdate(more, old);
    CHECK_MESSAGE(
        HasError(errors,
                 "spec.containers: Forbidden: pod updates may not add or remove containers"),
        Describe(errors));
  }

  TEST_CASE("tolerations may only be added") {
    json::object old = Created(R"({"spec":{"containers":[{"name":"a","image":"x"}],
        "tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]}})");
    auto strategy = Pods();
    json::object added = old;
    added["spec"].as_object()["tolerations"].as_array().push_back(
        Parse(R"({"key":"other","operator":"Exists"})"));
    CHECK(strategy->ValidateUpdate(added, old).empty());
    json::object removed = old;
    removed["spec"].as_object()["tolerations"] = json::array();
    CHECK(HasError(strategy->ValidateUpdate(removed, old),
                   "spec.tolerations: Forbidden: existing toleration can not be modified except "
                   "its tolerationSeconds"));
  }

  TEST_CASE("the status column follows the containers") {
    CHECK(Row(R"({"phase":"Pending"})")[2] == "Pending");
    CHECK(Row(R"({"phase":"Pending","containerStatuses":[{"name":"a","ready":false,
        "restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]})")[2] ==
          "ContainerCreating");
    json::array running = Row(R"({"phase":"Running","podIPs":[{"ip":"10.244.0.5"}],
        "containerStatuses":[{"name":"a","ready":true,"restartCount":0,
        "state":{"running":{"startedAt":"2023-11-14T22:00:00Z"}}}]})");
    CHECK(running[1] == "1/1");
    CHECK(running[2] == "Running");
    CHECK(running[3] == "0");
    CHECK(running[4] == "5m");
    CHECK(running[5] == "10.244.0.5");
    CHECK(Row(R"({"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,
        "restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]})")[2] ==
          "Completed");
    CHECK(Row(R"({"phase":"Failed","containerStatuses":[{"name":"a","restartCount":0,
        "state":{"terminated":{"exitCode":137}}}]})")[2] == "ExitCode:137");
    json::array crashing = Row(std::string(R"({"phase":"Running","containerStatuses":[{"name":"a",
        "ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
        "lastState":{"terminated":{"exitCode":1,"finishedAt":")") +
                               Ago(std::chrono::seconds(300)) + R"("}}}]})");
    CHECK(crashing[1] == "0/1");
    CHECK(crashing[2] == "CrashLoopBackOff");
    CHECK(crashing[3] == "3 (5m ago)");
  }

  TEST_CASE("init containers show as Init:n/m until they finish") {
    std::string init = R"(,"initContainers":[{"name":"i1","image":"x"},{"name":"i2","image":"x"}])";
    CHECK(Row(R"({"phase":"Pending","initContainerStatuses":[
        {"name":"i1","state":{"terminated":{"exitCode":0}}},
        {"name":"i2","state":{"running":{}}}]})",
              init)[2] == "Init:1/2");
    CHECK(Row(R"({"phase":"Pending","initContainerStatuses":[
        {"name":"i1","state":{"waiting":{"reason":"ImagePullBackOff"}}}]})",
              init)[2] == "Init:ImagePullBackOff");
    CHECK(Row(R"({"phase":"Pending","initContainerStatuses":[
        {"name":"i1","state":{"terminated":{"exitCode":2}}}]})",
              init)[2] == "Init:ExitCode:2");
  }

  TEST_CASE("a deleted pod shows Terminating and wide columns show <none>") {
    json::object pod = Parse(R"({"metadata":{"name":"p","deletionTimestamp":"2023-11-14T22:00:00Z"},
        "spec":{"containers":[{"name":"a","image":"x"}],"readinessGates":[{"conditionType":"x/y"}]},
        "status":{"phase":"Running","conditions":[{"type":"x/y","status":"True"}]}})");
    json::array row = PodCells(pod, kNow);
    CHECK(row[2] == "Terminating");
    CHECK(row[4] == "<unknown>");
    CHECK(row[5] == "<none>");
    CHECK(row[6] == "<none>");
    CHECK(row[7] == "<none>");
    CHECK(row[8] == "1/1");
    CHECK(PodCells(pod, kNow).size() == PodColumns().size());
  }

  TEST_CASE("pod field selectors expose node, phase and IP") {
    json::object pod = Parse(R"({"spec":{"nodeName":"n1","restartPolicy":"Always",
        "hostNetwork":true},"status":{"phase":"Running","podIP":"10.0.0.1"}})");
    auto fields = Pods()->SelectableFields(pod);
    CHECK(fields["spec.nodeName"] == "n1");
    CHECK(fields["spec.hostNetwork"] == "true");
    CHECK(fields["status.phase"] == "Running");
    CHECK(fields["status.podIP"] == "10.0.0.1");
    CHECK(fields.count("status.nominatedNodeName") == 1);
  }
}

}  // namespace mini::cluster::registry::core
