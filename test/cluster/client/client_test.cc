#include "cluster/client/client.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cluster/client/informer.h"
#include "test/cluster/client/api_fixture.h"

namespace mini::cluster::client {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;

const Resource kConfigMaps{"", "v1", "configmaps"};

json::object ConfigMap(std::string name, std::string value) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", std::move(name)}}},
                      {"data", json::object{{"k", std::move(value)}}}};
}

// A watch of the default namespace's ConfigMaps from now on, noting "<type> <name>" per event.
class WatchedEvents {
 public:
  WatchedEvents(Client& client, std::string field_selector) {
    auto list = client.List(kConfigMaps, "default");
    REQUIRE(list.ok());
    ListOptions options;
    options.resource_version = std::string(list->at("metadata").at("resourceVersion").as_string());
    options.field_selector = std::move(field_selector);
    auto watch = client.Watch(
        kConfigMaps, "default", options,
        [this](WatchEvent event) {
          std::lock_guard lock(mutex_);
          seen_.push_back(std::to_string(static_cast<int>(event.type)) + " " +
                          std::string(event.object.at("metadata").at("name").as_string()));
          changed_.notify_all();
        },
        [](Status) {});
    REQUIRE(watch.ok());
    watch_ = std::move(*watch);
  }
  ~WatchedEvents() { watch_->Stop(); }

  /// What was seen once `count` events arrived (or after five seconds).
  std::vector<std::string> Await(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return seen_.size() >= count; });
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_;
  std::unique_ptr<StreamHandle> watch_;
};

// Collects what an informer reports, for checks from the test thread.
class Recorder {
 public:
  InformerHandlers Handlers() {
    return {[this](const json::object& o) { Note("add " + Name(o)); },
            [this](const json::object&, const json::object& o) { Note("update " + Name(o)); },
            [this](const json::object& o) { Note("delete " + Name(o)); }};
  }
  bool WaitFor(const std::string& entry) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] {
      return std::find(seen_.begin(), seen_.end(), entry) != seen_.end();
    });
  }

 private:
  static std::string Name(const json::object& o) {
    return std::string(o.at("metadata").at("name").as_string());
  }
  void Note(std::string entry) {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(entry));
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_;
};

TEST_SUITE("client") {
  TEST_CASE("requests go through the API and errors keep the server's reason") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    auto created = client.Create(kConfigMaps, "default", ConfigMap("a", "1"));
    REQUIRE(created.ok());
    CHECK(!created->at("metadata").at("uid").as_string().empty());

    auto again = client.Create(kConfigMaps, "default", ConfigMap("a", "1"));
    CHECK(again.status().code() == Code::kAlreadyExists);
    CHECK(again.status().reason() == "AlreadyExists");

    auto missing = client.Get(kConfigMaps, "default", "nope");
    CHECK(missing.status().code() == Code::kNotFound);
    CHECK(missing.status().message() == R"(configmaps "nope" not found)");

    json::object bad = ConfigMap("Bad_Name", "1");
    auto invalid = client.Create(kConfigMaps, "default", bad);
    CHECK(invalid.status().reason() == "Invalid");

    auto patched = client.Patch(kConfigMaps, "default", "a", json::object{{"data", json::object{{"k", "2"}}}});
    REQUIRE(patched.ok());
    CHECK(patched->at("data").at("k").as_string() == "2");

    json::object stale = *created;  // an old resourceVersion loses
    stale["data"].as_object()["k"] = "3";
    CHECK(client.Update(kConfigMaps, "default", stale).status().code() == Code::kConflict);

    auto list = client.List(kConfigMaps, "default");
    REQUIRE(list.ok());
    CHECK(list->at("items").as_array().size() == 1);
    CHECK(client.Delete(kConfigMaps, "default", "a").ok());
    CHECK(client.Delete(kConfigMaps, "default", "a").code() == Code::kNotFound);
  }

  TEST_CASE("a watch delivers changes in order and stops on request") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    WatchedEvents events(client, "");
    REQUIRE(client.Create(kConfigMaps, "default", ConfigMap("w", "1")).ok());
    REQUIRE(client.Patch(kConfigMaps, "default", "w", json::object{{"data", json::object{{"k", "2"}}}}).ok());
    REQUIRE(client.Delete(kConfigMaps, "default", "w").ok());
    CHECK(events.Await(3) == std::vector<std::string>{"0 w", "1 w", "2 w"});
  }

  TEST_CASE("a watch of one name sees only that object's changes") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    WatchedEvents events(client, "metadata.name=wanted");
    REQUIRE(client.Create(kConfigMaps, "default", ConfigMap("other", "1")).ok());
    REQUIRE(client.Create(kConfigMaps, "default", ConfigMap("wanted", "1")).ok());
    REQUIRE(client.Delete(kConfigMaps, "default", "other").ok());
    REQUIRE(client.Delete(kConfigMaps, "default", "wanted").ok());
    CHECK(events.Await(2) == std::vector<std::string>{"0 wanted", "2 wanted"});
  }

  TEST_CASE("an informer lists, then follows adds, updates and deletes") {
    testing::ApiFixture api;
    Client client(api.NewTransport());
    REQUIRE(client.Create(kConfigMaps, "default", ConfigMap("before", "1")).ok());
    Recorder recorder;
    Informer informer(client, kConfigMaps, "default", {}, recorder.Handlers());
    informer.Start();
    REQUIRE(informer.WaitForSync(5s));
    CHECK(recorder.WaitFor("add before"));
    REQUIRE(client.Create(kConfigMaps, "default", ConfigMap("after", "1")).ok());
    CHECK(recorder.WaitFor("add after"));
    REQUIRE(client.Patch(kConfigMaps, "default", "after", json::object{{"data", json::object{{"k", "9"}}}}).ok());
    CHECK(recorder.WaitFor("update after"));
    REQUIRE(client.Delete(kConfigMaps, "default", "before").ok());
    CHECK(recorder.WaitFor("delete before"));
    auto cached = informer.Get("default", "after");
    REQUIRE(cached.has_value());
    CHECK(cached->at("data").at("k").as_string() == "9");
    CHECK(informer.Objects().size() == 1);
    informer.Stop();
  }
}

}  // namespace
}  // namespace mini::cluster::client
