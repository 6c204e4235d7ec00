#include "cluster/apiserver/rest/metrics.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/rest/discovery.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/store/memory/memory_backend.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace {
using namespace std::chrono_literals;

class FakeSource final : public NodeStatsSource {
 public:
  std::optional<NodeUsage> Node() const override { return node; }
  std::optional<PodUsage> Pod(const std::string& uid) const override {
    auto it = pods.find(uid);
    return it == pods.end() ? std::nullopt : std::optional<PodUsage>(it->second);
  }
  std::optional<NodeUsage> node;
  std::map<std::string, PodUsage> pods;
};

// An API server without sockets: discovery, REST and metrics over the memory store.
class Server {
 public:
  Server()
      : backend_(store::memory::NewMemoryBackend()),
        registry_(api::schema::Builtin(), *backend_),
        stats_(std::make_shared<NodeStats>()),
        source_(std::make_shared<FakeSource>()) {
    REQUIRE(registry_.Bootstrap({"10.0.0.5", 8443}).ok());
    InstallDiscovery(router_, api::schema::Builtin(), "10.0.0.5:8443", MetricsResources());
    InstallRest(router_, std::make_shared<RestHandler>(registry_));
    InstallMetrics(router_, registry_, stats_);
    stats_->Attach("node-1", source_);
  }

  Response Call(std::string method, std::string path, std::string accept = "") {
    Request request;
    request.method = std::move(method);
    REQUIRE(ParseTarget(path, &request.path, &request.query).ok());
    if (!accept.empty()) request.headers.Add("Accept", accept);
    request.user = UserInfo{"admin", {"system:masters", "system:authenticated"}, true, "", {}};
    return Resolve(router_.Dispatch(request));
  }

  json::object Get(std::string path, int status = 200, std::string accept = "") {
    Response response = Call("GET", std::move(path), std::move(accept));
    INFO(response.body);
    REQUIRE(response.status == status);
    return json::parse(response.body).as_object();
  }

  void Create(const std::string& resource, const std::string& ns, std::string body) {
    auto created =
        registry_.Find("", "v1", resource)->Create(ns, json::parse(body).as_object(), {});
    INFO(created.status().message());
    REQUIRE(created.ok());
  }

  FakeSource& source() { return *source_; }

 private:
  store::BackendPtr backend_;
  registry::Registry registry_;
  Router router_;
  std::shared_ptr<NodeStats> stats_;
  std::shared_ptr<FakeSource> source_;
};

// A pod labelled app=<app> with two containers, bound to `node`.
std::string Pod(const std::string& name, const std::string& app, const std::string& node) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
         R"(","labels":{"app":")" + app + R"("}},"spec":{"nodeName":")" + node +
         R"(","containers":[{"name":"main","image":"busybox"},)" +
         R"({"name":"side","image":"busybox"}]}})";
}

PodUsage Measured(int64_t main_cpu) {
  PodUsage usage;
  usage.timestamp = std::chrono::system_clock::from_time_t(1700000000);
  usage.window = 10500ms;
  usage.containers["side"] = {2'000'000'000, 3 << 20};
  usage.containers["main"] = {main_cpu, 1234 * 1024};
  return usage;
}

// Gives the pod `name` of `ns` usage under its uid.
void Measure(Server& server, const std::string& ns, const std::string& name, int64_t cpu) {
  json::object pod = server.Get("/api/v1/namespaces/" + ns + "/pods/" + name);
  server.source().pods[std::string(pod.at("metadata").at("uid").as_string())] = Measured(cpu);
}

TEST_SUITE("apiserver/metrics") {
  TEST_CASE("quantities are written in Kubernetes' canonical form") {
    CHECK(CpuQuantity(0) == "0");
    CHECK(CpuQuantity(12345) == "12345n");
    CHECK(CpuQuantity(1'500'000) == "1500u");
    CHECK(CpuQuantity(250'000'000) == "250m");
    CHECK(CpuQuantity(2'000'000'000) == "2");
    CHECK(MemoryQuantity(1234 * 1024) == "1234Ki");
    CHECK(MemoryQuantity(3 << 20) == "3Mi");
    CHECK(MemoryQuantity(1025) == "1025");
    CHECK(MemoryQuantity(1000) == "1k");
    CHECK(MemoryQuantity(512) == "512");
    CHECK(MemoryQuantity(0) == "0");
  }

  TEST_CASE("windows are written as Go durations") {
    CHECK(GoDuration(0ms) == "0s");
    CHECK(GoDuration(500ms) == "500ms");
    CHECK(GoDuration(1s) == "1s");
    CHECK(GoDuration(10487ms) == "10.487s");
    CHECK(GoDuration(60250ms) == "1m0.25s");
    CHECK(GoDuration(3723s) == "1h2m3s");
  }

  TEST_CASE("node metrics list the nodes that have been measured") {
    Server server;
    server.Create("nodes", "", R"({"metadata":{"name":"node-1","labels":{"role":"a"}}})");
    server.Create("nodes", "", R"({"metadata":{"name":"node-2"}})");
    json::object empty = server.Get("/apis/metrics.k8s.io/v1beta1/nodes");
    CHECK(empty.at("kind") == "NodeMetricsList");
    CHECK(empty.at("items").as_array().empty());
    server.Get("/apis/metrics.k8s.io/v1beta1/nodes/node-1", 404);

    server.source().node =
        NodeUsage{{std::chrono::system_clock::from_time_t(1700000000), 1s}, {12345, 1234 * 1024}};
    json::object list = server.Get("/apis/metrics.k8s.io/v1beta1/nodes");
    CHECK(list.at("apiVersion") == "metrics.k8s.io/v1beta1");
    REQUIRE(list.at("items").as_array().size() == 1);
    const json::object& item = list.at("items").as_array()[0].as_object();
    CHECK(item.at("metadata").at("name") == "node-1");
    CHECK(item.at("metadata").at("labels").at("role") == "a");
    CHECK(item.at("timestamp") == "2023-11-14T22:13:20Z");
    CHECK(item.at("window") == "1s");
    CHECK(item.at("usage").at("cpu") == "12345n");
    CHECK(item.at("usage").at("memory") == "1234Ki");
    CHECK(server.Get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=role%3Db")
              .at("items")
              .as_array()
              .empty());

    json::object one = server.Get("/apis/metrics.k8s.io/v1beta1/nodes/node-1");
    CHECK(one.at("kind") == "NodeMetrics");
    CHECK(one.at("usage").at("cpu") == "12345n");
    json::object missing = server.Get("/apis/metrics.k8s.io/v1beta1/nodes/node-9", 404);
    CHECK(missing.at("reason") == "NotFound");
    CHECK(missing.at("message") == "nodemetrics.metrics.k8s.io \"node-9\" not found");
  }

  TEST_CASE("pod metrics follow the pods' namespaces, labels and containers") {
    Server server;
    server.Create("namespaces", "", R"({"metadata":{"name":"other"}})");
    server.Create("pods", "default", Pod("busy", "busy", "node-1"));
    server.Create("pods", "default", Pod("idle", "idle", "node-1"));
    server.Create("pods", "other", Pod("far", "far", "node-1"));
    server.Create("pods", "default", Pod("elsewhere", "x", "node-2"));  // no source
    Measure(server, "default", "busy", 987654321);
    Measure(server, "default", "idle", 0);
    Measure(server, "other", "far", 5);

    json::object list = server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
    CHECK(list.at("kind") == "PodMetricsList");
    REQUIRE(list.at("items").as_array().size() == 2);
    json::object busy =
        server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dbusy");
    REQUIRE(busy.at("items").as_array().size() == 1);
    const json::object& item = busy.at("items").as_array()[0].as_object();
    CHECK(item.at("metadata").at("namespace") == "default");
    CHECK(item.at("metadata").at("labels").at("app") == "busy");
    CHECK(item.at("window") == "10.5s");
    const json::array& containers = item.at("containers").as_array();
    REQUIRE(containers.size() == 2);
    CHECK(containers[0].at("name") == "main");  // the spec's order
    CHECK(containers[0].at("usage").at("cpu") == "987654321n");
    CHECK(containers[0].at("usage").at("memory") == "1234Ki");
    CHECK(containers[1].at("usage").at("cpu") == "2");
    CHECK(containers[1].at("usage").at("memory") == "3Mi");

    CHECK(server.Get("/apis/metrics.k8s.io/v1beta1/pods").at("items").as_array().size() == 3);
    CHECK(server
              .Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/"
                   "pods?fieldSelector=metadata.name%3Didle")
              .at("items")
              .as_array()
              .size() == 1);
    json::object one = server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/other/pods/far");
    CHECK(one.at("kind") == "PodMetrics");
    CHECK(one.at("apiVersion") == "metrics.k8s.io/v1beta1");
    CHECK(one.at("containers").as_array()[0].at("usage").at("cpu") == "5n");
  }

  TEST_CASE("unknown pods, bad selectors and writes are refused as Kubernetes does") {
    Server server;
    server.Create("pods", "default", Pod("new", "new", "node-1"));
    json::object missing =
        server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope", 404);
    CHECK(missing.at("message") == "podmetrics.metrics.k8s.io \"default/nope\" not found");
    // Not measured yet: metrics-server does not know it either.
    server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/new", 404);
    server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=a%20in%20(",
               400);
    server.Get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dx", 400);
    server.Get("/apis/metrics.k8s.io/v1beta1/namespaces/default/widgets", 404);
    server.Get("/apis/metrics.k8s.io/v1/nodes", 404);
    CHECK(server.Call("DELETE", "/apis/metrics.k8s.io/v1beta1/nodes/node-1").status == 405);
  }

  TEST_CASE("discovery lists the metrics resources in both forms") {
    Server server;
    json::object groups = server.Get("/apis");
    bool listed = false;
    for (const json::value& group : groups.at("groups").as_array()) {
      if (group.at("name") == "metrics.k8s.io") {
        listed = group.at("preferredVersion").at("groupVersion") == "metrics.k8s.io/v1beta1";
      }
    }
    CHECK(listed);
    json::object resources = server.Get("/apis/metrics.k8s.io/v1beta1");
    REQUIRE(resources.at("resources").as_array().size() == 2);
    const json::value& nodes = resources.at("resources").as_array()[0];
    CHECK(nodes.at("name") == "nodes");
    CHECK(nodes.at("kind") == "NodeMetrics");
    CHECK(nodes.at("namespaced") == false);
    CHECK(nodes.at("verbs") == json::array{"get", "list"});
    CHECK(resources.at("resources").as_array()[1].at("kind") == "PodMetrics");
    CHECK(resources.at("resources").as_array()[1].at("namespaced") == true);

    json::object aggregated = server.Get("/apis", 200, kAggregatedDiscoveryType);
    const json::object* metrics = nullptr;
    for (const json::value& group : aggregated.at("items").as_array()) {
      if (group.at("metadata").at("name") == "metrics.k8s.io") metrics = &group.as_object();
    }
    REQUIRE(metrics != nullptr);
    const json::value& version = metrics->at("versions").as_array()[0];
    CHECK(version.at("version") == "v1beta1");
    const json::array& list = version.at("resources").as_array();
    REQUIRE(list.size() == 2);
    CHECK(list[0].at("resource") == "nodes");
    CHECK(list[0].at("scope") == "Cluster");
    CHECK(list[0].at("responseKind").at("kind") == "NodeMetrics");
    CHECK(list[1].at("resource") == "pods");
    CHECK(list[1].at("scope") == "Namespaced");
    CHECK(list[1].at("verbs") == json::array{"get", "list"});
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver::rest
