// The namespace controller against a real registry: a deleted namespace loses its contents,
// waits for its pods' graceful deletion, and then goes.
#include "cluster/controllers/namespace/namespace_controller.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "test/cluster/client/api_fixture.h"
#include "test/eventually.h"

namespace mini::cluster::controllers {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;
using mini::testing::Eventually;
using client::resources::kConfigMaps;
using client::resources::kNamespaces;
using client::resources::kPods;


json::object Json(std::string_view text) { return json::parse(text).as_object(); }

TEST_SUITE("controllers/namespace") {
  TEST_CASE("a deleted namespace is emptied, waits for its pods, then goes") {
    client::testing::ApiFixture api;
    client::Client client(api.NewTransport());
    auto controller = NewNamespaceController(client);
    REQUIRE(controller->Start(5s).ok());

    REQUIRE(client.Create(kNamespaces, "", Json(R"({"metadata":{"name":"team"}})")).ok());
    REQUIRE(client.Create(kConfigMaps, "team", Json(R"({"metadata":{"name":"settings"}})")).ok());
    REQUIRE(client.Create(client::Resource{"apps", "v1", "deployments"}, "team",
                          Json(R"({"metadata":{"name":"web"},"spec":{
                              "selector":{"matchLabels":{"app":"web"}},
                              "template":{"metadata":{"labels":{"app":"web"}},
                              "spec":{"containers":[{"name":"c","image":"busybox"}]}}}})"))
                .ok());
    auto pod = client.Create(kPods, "team", Json(R"({"metadata":{"name":"runner"},"spec":{
        "nodeName":"node-1","containers":[{"name":"c","image":"busybox"}]}})"));
    REQUIRE(pod.ok());

    REQUIRE(client.Delete(kNamespaces, "", "team").ok());
    CHECK(Eventually([&] { return client.Get(kConfigMaps, "team", "settings").status().code() ==
                                  Code::kNotFound; }));
    CHECK(Eventually([&] {
      return client.Get(client::Resource{"apps", "v1", "deployments"}, "team", "web")
                 .status()
                 .code() == Code::kNotFound;
    }));
    // The pod on a node is only marked: its kubelet has to stop it first.
    CHECK(Eventually([&] {
      auto marked = client.Get(kPods, "team", "runner");
      return marked.ok() && marked->at("metadata").as_object().contains("deletionTimestamp");
    }));
    std::this_thread::sleep_for(300ms);
    auto ns = client.Get(kNamespaces, "", "team");
    REQUIRE(ns.ok());
    CHECK(ns->at("status").at("phase") == "Terminating");

    // What the kubelet does once the containers stopped.
    client::DeleteOptions now{.grace_period_seconds = 0,
                              .precondition_uid = std::string(pod->at("metadata").at("uid").as_string())};
    REQUIRE(client.Delete(kPods, "team", "runner", now).ok());
    CHECK(Eventually(
        [&] { return client.Get(kNamespaces, "", "team").status().code() == Code::kNotFound; }));
    controller->Stop();
  }

  TEST_CASE("a namespace another finalizer holds stays after it is emptied") {
    client::testing::ApiFixture api;
    client::Client client(api.NewTransport());
    auto controller = NewNamespaceController(client);
    REQUIRE(controller->Start(5s).ok());
    REQUIRE(client.Create(kNamespaces, "", Json(R"({"metadata":{"name":"kept",
        "finalizers":["example.com/audit"]}})")).ok());
    REQUIRE(client.Delete(kNamespaces, "", "kept").ok());
    // The controller clears its own finalizer; the other one keeps the namespace.
    CHECK(Eventually([&] {
      auto ns = client.Get(kNamespaces, "", "kept");
      return ns.ok() && ns->at("spec").as_object().at("finalizers").as_array().empty();
    }));
    auto ns = client.Get(kNamespaces, "", "kept");
    REQUIRE(ns.ok());
    json::object released = *ns;
    released["metadata"].as_object().erase("finalizers");
    REQUIRE(client.Update(kNamespaces, "", released).ok());
    CHECK(client.Get(kNamespaces, "", "kept").status().code() == Code::kNotFound);
    controller->Stop();
  }
}

}  // namespace
}  // namespace mini::cluster::controllers
