#include "cluster/client/event_recorder.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>

#include "test/cluster/client/api_fixture.h"

namespace mini::cluster::client {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;

json::object Pod(std::string name) {
  return json::object{
      {"metadata", {{"name", std::move(name)}, {"namespace", "default"}, {"uid", "u-1"}}}};
}

json::array Events(Client& client) {
  auto list = client.List(resources::kEvents, "default");
  REQUIRE(list.ok());
  return list->at("items").as_array();
}

TEST_SUITE("client/events") {
  TEST_CASE("an event names its object, its source and its container") {
    auto reference = ObjectReference::To(Pod("web"), "v1", "Pod", "spec.containers{main}");
    json::object event = MakeEvent(reference, {"kubelet", "mini", ""},
                                   {"Normal", "Pulled", "Container image already present", ""},
                                   std::chrono::system_clock::now());
    CHECK(event.at("involvedObject").at("kind") == "Pod");
    CHECK(event.at("involvedObject").at("uid") == "u-1");
    CHECK(event.at("involvedObject").at("fieldPath") == "spec.containers{main}");
    CHECK(event.at("source").at("host") == "mini");
    CHECK(event.at("reportingInstance") == "mini");
    CHECK(event.at("metadata").at("namespace") == "default");
    CHECK(event.at("count") == 1);
    CHECK_FALSE(event.contains("action"));
  }

  TEST_CASE("events about cluster-scoped objects go to the default namespace") {
    json::object node{{"metadata", {{"name", "mini"}, {"uid", "n-1"}}}};
    json::object event = MakeEvent(ObjectReference::To(node, "v1", "Node"), {"kubelet", "mini", ""},
                                   {"Normal", "Starting", "Starting kubelet.", ""},
                                   std::chrono::system_clock::now());
    CHECK(event.at("metadata").at("namespace") == "default");
    CHECK_FALSE(event.at("involvedObject").as_object().contains("namespace"));
  }

  TEST_CASE("a repeated event raises one Event's count, a different one is a new Event") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    EventRecorder recorder(client, {"kubelet", "mini", ""});
    auto web = ObjectReference::To(Pod("web"), "v1", "Pod", "spec.containers{main}");
    for (int i = 0; i < 3; ++i) {
      recorder.Record(web, {"Warning", "BackOff", "Back-off restarting failed container", ""});
    }
    recorder.Record(web, {"Normal", "Pulled", "Container image already present", ""});
    REQUIRE(recorder.Flush(5s));
    json::array events = Events(client);
    REQUIRE(events.size() == 2);
    int64_t backoff_count = 0;
    for (const json::value& event : events) {
      if (event.at("reason") == "BackOff") backoff_count = event.at("count").to_number<int64_t>();
      if (event.at("reason") == "Pulled") CHECK(event.at("count") == 1);
    }
    CHECK(backoff_count == 3);
  }

  TEST_CASE("a counted Event that was deleted is written anew") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    EventRecorder recorder(client, {"kubelet", "mini", ""});
    auto web = ObjectReference::To(Pod("web"), "v1", "Pod");
    recorder.Record(web, {"Normal", "Killing", "Stopping container main", ""});
    REQUIRE(recorder.Flush(5s));
    json::array first = Events(client);
    REQUIRE(first.size() == 1);
    REQUIRE(client
                .Delete(resources::kEvents, "default",
                        std::string(first[0].at("metadata").at("name").as_string()))
                .ok());
    recorder.Record(web, {"Normal", "Killing", "Stopping container main", ""});
    REQUIRE(recorder.Flush(5s));
    json::array second = Events(client);
    REQUIRE(second.size() == 1);
    CHECK(second[0].at("count") == 1);
    CHECK(second[0].at("metadata").at("name") != first[0].at("metadata").at("name"));
  }
}

}  // namespace
}  // namespace mini::cluster::client
