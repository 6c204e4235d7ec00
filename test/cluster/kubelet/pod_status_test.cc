#include "cluster/kubelet/pods/pod_status.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/kubelet/pods/container_config.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using runtime::containers::ContainerState;
namespace {

json::object Pod(std::string restart_policy, std::string containers,
                 std::string init_containers = "[]") {
  return json::parse(R"({"metadata":{"name":"p","namespace":"default","uid":"u"},
      "spec":{"restartPolicy":")" + restart_policy + R"(","containers":)" + containers +
                     R"(,"initContainers":)" + init_containers + "}}")
      .as_object();
}

ContainerObservation Running() {
  ContainerObservation o;
  o.id = "u-c-0";
  o.state = ContainerState{ContainerState::Phase::kRunning, 42, 0, "2024-01-01T00:00:00Z", "", "sha256:x", {}};
  return o;
}

ContainerObservation Exited(int code) {
  ContainerObservation o;
  o.id = "u-c-0";
  o.state = ContainerState{ContainerState::Phase::kExited, 0, code, "2024-01-01T00:00:00.1Z",
                           "2024-01-01T00:00:05.5Z", "sha256:x", {}};
  return o;
}

std::string Condition(const json::object& status, std::string_view type) {
  for (const json::value& c : status.at("conditions").as_array()) {
    if (c.at("type").as_string() == type) return std::string(c.at("status").as_string());
  }
  return "";
}

const std::string kOne = R"([{"name":"c","image":"img"}])";

TEST_SUITE("kubelet/pod_status") {
  TEST_CASE("a pod waits while its sandbox and image are prepared") {
    PodObservation observed;
    json::object status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK(status.at("phase").as_string() == "Pending");
    CHECK(status.at("containerStatuses").at(0).at("state").at("waiting").at("reason").as_string() ==
          "ContainerCreating");
    CHECK(Condition(status, "PodReadyToStartContainers") == "False");
    observed.sandbox_ready = true;
    observed.containers["c"].waiting_reason = "ErrImageNeverPull";
    status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK(status.at("containerStatuses").at(0).at("state").at("waiting").at("reason").as_string() ==
          "ErrImageNeverPull");
    CHECK(status.at("qosClass").as_string() == "BestEffort");
  }

  TEST_CASE("a running container makes the pod Running and Ready") {
    PodObservation observed;
    observed.sandbox_ready = true;
    observed.pod_ip = "10.244.0.9";
    observed.containers["c"] = Running();
    json::object status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK(status.at("phase").as_string() == "Running");
    CHECK(status.at("podIP").as_string() == "10.244.0.9");
    CHECK(Condition(status, "Ready") == "True");
    CHECK(Condition(status, "ContainersReady") == "True");
    const json::object& c = status.at("containerStatuses").at(0).as_object();
    CHECK(c.at("ready").as_bool());
    CHECK(c.at("containerID").as_string() == "mini://u-c-0");
    CHECK(c.at("state").at("running").at("startedAt").as_string() == "2024-01-01T00:00:00Z");
  }

  TEST_CASE("exits end the pod by its restart policy") {
    PodObservation observed;
    observed.sandbox_ready = true;
    observed.containers["c"] = Exited(0);
    json::object done = ComputePodStatus(Pod("Never", kOne), observed);
    CHECK(done.at("phase").as_string() == "Succeeded");
    CHECK(Condition(done, "Ready") == "False");
    const json::object& terminated =
        done.at("containerStatuses").at(0).at("state").at("terminated").as_object();
    CHECK(terminated.at("reason").as_string() == "Completed");
    CHECK(terminated.at("finishedAt").as_string() == "2024-01-01T00:00:05Z");

    observed.containers["c"] = Exited(2);
    CHECK(ComputePodStatus(Pod("Never", kOne), observed).at("phase").as_string() == "Failed");
    CHECK(ComputePodStatus(Pod("OnFailure", kOne), observed).at("phase").as_string() != "Failed");

    observed.containers["c"].waiting_reason = "CrashLoopBackOff";
    observed.containers["c"].restarts = 3;
    json::object looping = ComputePodStatus(Pod("Always", kOne), observed);
    const json::object& c = looping.at("containerStatuses").at(0).as_object();
    CHECK(c.at("state").at("waiting").at("reason").as_string() == "CrashLoopBackOff");
    CHECK(c.at("lastState").at("terminated").at("exitCode").as_int64() == 2);
    CHECK(c.at("restartCount").as_int64() == 3);
    CHECK(looping.at("phase").as_string() == "Running");
  }

  TEST_CASE("init containers gate the app containers and their failure fails a Never pod") {
    std::string init = R"([{"name":"i","image":"img"}])";
    PodObservation observed;
    observed.sandbox_ready = true;
    json::object waiting = ComputePodStatus(Pod("Never", kOne, init), observed);
    CHECK(Condition(waiting, "Initialized") == "False");
    CHECK(waiting.at("containerStatuses").at(0).at("state").at("waiting").at("reason").as_string() ==
          "ContainerCreating");
    observed.containers["i"] = Exited(1);
    CHECK(ComputePodStatus(Pod("Never", kOne, init), observed).at("phase").as_string() == "Failed");
    observed.containers["i"] = Exited(0);
    observed.containers["c"] = Running();
    json::object running = ComputePodStatus(Pod("Never", kOne, init), observed);
    CHECK(Condition(running, "Initialized") == "True");
    CHECK(running.at("initContainerStatuses").at(0).at("ready").as_bool());
  }

  TEST_CASE("readiness and startup probes decide ready and started") {
    PodObservation observed;
    observed.sandbox_ready = true;
    observed.containers["c"] = Running();
    observed.containers["c"].ready = false;
    json::object status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK(status.at("phase").as_string() == "Running");
    CHECK(Condition(status, "Ready") == "False");
    CHECK(Condition(status, "ContainersReady") == "False");
    const json::object& c = status.at("containerStatuses").at(0).as_object();
    CHECK_FALSE(c.at("ready").as_bool());
    CHECK(c.at("started").as_bool());
    observed.containers["c"].started = false;
    status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK_FALSE(status.at("containerStatuses").at(0).at("started").as_bool());
    observed.containers["c"].ready = true;
    observed.containers["c"].started = true;
    status = ComputePodStatus(Pod("Always", kOne), observed);
    CHECK(Condition(status, "Ready") == "True");
  }

  TEST_CASE("the terminated state carries the message and the OOM kill") {
    PodObservation observed;
    observed.sandbox_ready = true;
    observed.containers["c"] = Exited(137);
    observed.containers["c"].termination_message = "out of memory, sorry";
    observed.containers["c"].state->oom_killed = true;
    json::object status = ComputePodStatus(Pod("Never", kOne), observed);
    const json::object& t =
        status.at("containerStatuses").at(0).at("state").at("terminated").as_object();
    CHECK(t.at("reason").as_string() == "OOMKilled");
    CHECK(t.at("message").as_string() == "out of memory, sorry");
    observed.containers["c"].state->oom_killed = false;
    status = ComputePodStatus(Pod("Never", kOne), observed);
    CHECK(status.at("containerStatuses").at(0).at("state").at("terminated").at("reason") ==
          "Error");
  }

  TEST_CASE("QoS classes follow requests and limits") {
    auto pod = [](std::string resources) {
      return Pod("Always", R"([{"name":"c","image":"i","resources":)" + resources + "}]");
    };
    CHECK(QosClass(pod("{}")) == "BestEffort");
    CHECK(QosClass(pod(R"({"limits":{"cpu":"1","memory":"1Gi"}})")) == "Guaranteed");
    CHECK(QosClass(pod(R"({"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1000m","memory":"1Gi"}})")) ==
          "Guaranteed");
    CHECK(QosClass(pod(R"({"requests":{"cpu":"100m"}})")) == "Burstable");
  }

  TEST_CASE("resources become cgroup limits as the kubelet sets them") {
    json::object container = json::parse(
        R"({"resources":{"requests":{"cpu":"250m"},"limits":{"cpu":"500m","memory":"64Mi"}}})").as_object();
    runtime::oci::Resources resources = ResourcesOf(container);
    CHECK(resources.memory_limit == 64 << 20);
    CHECK(resources.cpu_quota == 50000);
    CHECK(resources.cpu_period == 100000);
    CHECK(resources.cpu_shares == 256);
    CHECK(ResourcesOf(json::object()).cpu_shares == 2);
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::pods
