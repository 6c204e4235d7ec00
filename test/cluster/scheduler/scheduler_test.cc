#include "cluster/scheduler/scheduler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "cluster/registry/printing.h"
#include "test/cluster/client/api_fixture.h"

namespace mini::cluster::scheduler {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;
using client::resources::kEvents;
using client::resources::kNodes;
using client::resources::kPods;
using registry::StringAt;

json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

json::object NodeObject(const std::string& name, const std::string& extra = "") {
  return Parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":")" + name +
               R"(","labels":{"kubernetes.io/hostname":")" + name + R"("}},
    "status":{"allocatable":{"cpu":"2","memory":"2Gi","pods":"110"},
              "capacity":{"cpu":"2","memory":"2Gi","pods":"110"}})" +
               extra + "}");
}

json::object PodObject(const std::string& name, const std::string& cpu,
                       const std::string& extra_spec = "") {
  return Parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
               R"("},"spec":{"containers":[{"name":"c","image":"busybox",
      "resources":{"requests":{"cpu":")" +
               cpu + R"("}}}])" + extra_spec + "}}");
}

// An API server, a client as administrator and a scheduler with short backoffs.
class Harness {
 public:
  Harness() : client_(api_.NewTransport()) {
    SchedulerOptions options;
    options.instance = "default-scheduler-test";
    options.queue.initial_backoff = 20ms;
    options.queue.max_backoff = 100ms;
    scheduler_ = std::make_unique<Scheduler>(api_.NewTransport(), options);
  }
  ~Harness() { scheduler_->Stop(); }

  void Start() { REQUIRE(scheduler_->Start().ok()); }
  client::Client& client() { return client_; }

  void CreateNode(const json::object& node) { REQUIRE(client_.Create(kNodes, "", node).ok()); }
  void CreatePod(const json::object& pod) { REQUIRE(client_.Create(kPods, "default", pod).ok()); }

  json::object GetPod(const std::string& name) {
    auto pod = client_.Get(kPods, "default", name);
    REQUIRE(pod.ok());
    return *pod;
  }
  std::string NodeOf(const std::string& name) { return StringAt(GetPod(name), "spec.nodeName"); }

  /// Polls until `done` holds; false after a few seconds.
  static bool WaitUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) {
        return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return done();
  }
  bool WaitBound(const std::string& pod, const std::string& node) {
    return WaitUntil([&] { return NodeOf(pod) == node; });
  }

  /// The events about `pod` with `reason`, oldest first.
  std::vector<json::object> Events(const std::string& pod, const std::string& reason) {
    std::vector<json::object> out;
    auto list = client_.List(kEvents, "default");
    REQUIRE(list.ok());
    for (const json::value& item : list->at("items").as_array()) {
      const json::object& event = item.as_object();
      if (StringAt(event, "involvedObject.name") == pod && StringAt(event, "reason") == reason) {
        out.push_back(event);
      }
    }
    return out;
  }
  /// The message of the newest FailedScheduling event once there is one.
  std::string FailureMessage(const std::string& pod) {
    std::string message;
    WaitUntil([&] {
      auto events = Events(pod, "FailedScheduling");
      if (!events.empty()) {
        message = StringAt(events.back(), "message");
      }
      return !message.empty();
    });
    return message;
  }

 private:
  client::testing::ApiFixture api_;
  client::Client client_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_SUITE("scheduler") {
  TEST_CASE("a pod that fits is bound and a Scheduled event says so") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    h.CreatePod(PodObject("web", "500m"));
    REQUIRE(h.WaitBound("web", "node1"));
    json::object pod = h.GetPod("web");
    // The binding marks the pod scheduled, as Kubernetes' does.
    const json::array& conditions = pod.at("status").at("conditions").as_array();
    CHECK(std::any_of(conditions.begin(), conditions.end(), [](const json::value& c) {
      return StringAt(c.as_object(), "type") == "PodScheduled" &&
             StringAt(c.as_object(), "status") == "True";
    }));
    std::vector<json::object> events;
    REQUIRE(Harness::WaitUntil([&] { return !(events = h.Events("web", "Scheduled")).empty(); }));
    const json::object& event = events.front();
    CHECK(StringAt(event, "type") == "Normal");
    CHECK(StringAt(event, "message") == "Successfully assigned default/web to node1");
    CHECK(StringAt(event, "source.component") == "default-scheduler");
    CHECK(StringAt(event, "reportingComponent") == "default-scheduler");
    CHECK(StringAt(event, "reportingInstance") == "default-scheduler-test");
    CHECK(StringAt(event, "action") == "Binding");
    CHECK(StringAt(event, "involvedObject.kind") == "Pod");
    CHECK(StringAt(event, "involvedObject.uid") == StringAt(pod, "metadata.uid"));
    CHECK(event.at("count").to_number<int64_t>() == 1);
  }

  TEST_CASE("a pod too big fails with Kubernetes' message and PodScheduled=False") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    h.CreatePod(PodObject("big", "3"));
    const std::string expected =
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod.";
    CHECK(h.FailureMessage("big") == expected);
    json::object condition;
    REQUIRE(Harness::WaitUntil([&] {
      json::object pod = h.GetPod("big");
      const json::object* status = registry::ObjectAt(pod, "status");
      if (status == nullptr || !status->contains("conditions")) {
        return false;
      }
      for (const json::value& c : status->at("conditions").as_array()) {
        if (StringAt(c.as_object(), "type") == "PodScheduled") {
          condition = c.as_object();
          return true;
        }
      }
      return false;
    }));
    CHECK(StringAt(condition, "status") == "False");
    CHECK(StringAt(condition, "reason") == "Unschedulable");
    CHECK(StringAt(condition, "message") == expected);
    auto events = h.Events("big", "FailedScheduling");
    CHECK(StringAt(events.front(), "type") == "Warning");
    CHECK(StringAt(events.front(), "action") == "Scheduling");
    CHECK(h.NodeOf("big").empty());
  }

  TEST_CASE("taints keep pods off unless tolerated") {
    Harness h;
    h.CreateNode(NodeObject(
        "node1", R"(,"spec":{"taints":[{"key":"dedicated","value":"db","effect":"NoSchedule"}]})"));
    h.Start();
    h.CreatePod(PodObject("plain", "100m"));
    h.CreatePod(PodObject("tolerant", "100m",
                          R"(,"tolerations":[{"key":"dedicated","operator":"Equal",
                              "value":"db","effect":"NoSchedule"}])"));
    CHECK(h.WaitBound("tolerant", "node1"));
    CHECK(h.FailureMessage("plain") ==
          "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: db}. preemption: "
          "0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  }

  TEST_CASE("a node selector waits for a matching label") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    h.CreatePod(PodObject("picky", "100m", R"(,"nodeSelector":{"disk":"ssd"})"));
    CHECK(h.FailureMessage("picky") ==
          "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. "
          "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
    REQUIRE(h.client()
                .Patch(kNodes, "", "node1", Parse(R"({"metadata":{"labels":{"disk":"ssd"}}})"))
                .ok());
    CHECK(h.WaitBound("picky", "node1"));
  }

  TEST_CASE("required node affinity on the node's name") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.CreateNode(NodeObject("node2"));
    h.Start();
    h.CreatePod(PodObject("pinned", "100m", R"(,"affinity":{"nodeAffinity":{
      "requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
        {"matchFields":[{"key":"metadata.name","operator":"In","values":["node2"]}]}]}}})"));
    CHECK(h.WaitBound("pinned", "node2"));
  }

  TEST_CASE("a pod waiting for nodes is scheduled when one registers") {
    Harness h;
    h.Start();
    h.CreatePod(PodObject("early", "100m"));
    CHECK(h.FailureMessage("early") == "no nodes available to schedule pods");
    h.CreateNode(NodeObject("node1"));
    CHECK(h.WaitBound("early", "node1"));
  }

  TEST_CASE("a pod fits once another pod's resources are freed") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    h.CreatePod(PodObject("first", "1500m"));
    REQUIRE(h.WaitBound("first", "node1"));
    h.CreatePod(PodObject("second", "1"));
    CHECK(h.FailureMessage("second").starts_with("0/1 nodes are available: 1 Insufficient cpu."));
    // A terminating pod holds its resources until its kubelet deletes it for good.
    REQUIRE(h.client().Delete(kPods, "default", "first").ok());
    std::this_thread::sleep_for(300ms);
    CHECK(h.NodeOf("second").empty());
    REQUIRE(h.client().Delete(kPods, "default", "first", {.grace_period_seconds = 0}).ok());
    CHECK(h.WaitBound("second", "node1"));
  }

  TEST_CASE("pods bound in a row are counted before the watch shows them") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    for (int i = 0; i < 3; ++i) {
      h.CreatePod(PodObject("p" + std::to_string(i), "800m"));
    }
    // 2 cpu take two pods of 800m; the third must not be squeezed in.
    REQUIRE(Harness::WaitUntil([&] {
      int bound = 0;
      for (int i = 0; i < 3; ++i) {
        bound += h.NodeOf("p" + std::to_string(i)).empty() ? 0 : 1;
      }
      return bound == 2 && !h.Events("p2", "FailedScheduling").empty() +
                                   !h.Events("p1", "FailedScheduling").empty() +
                                   !h.Events("p0", "FailedScheduling").empty() ==
                               1;
    }));
  }

  TEST_CASE("pods of another scheduler and terminal pods are left alone") {
    Harness h;
    h.CreateNode(NodeObject("node1"));
    h.Start();
    h.CreatePod(PodObject("other", "100m", R"(,"schedulerName":"my-scheduler")"));
    h.CreatePod(PodObject("mine", "100m"));
    REQUIRE(h.WaitBound("mine", "node1"));
    CHECK(h.NodeOf("other").empty());
    CHECK(h.Events("other", "FailedScheduling").empty());
  }
}

}  // namespace
}  // namespace mini::cluster::scheduler
