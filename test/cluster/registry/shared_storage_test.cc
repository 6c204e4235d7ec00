// Two APIs, one object: events.k8s.io/v1 Events share core/v1 Events' keys through the storage's
// converter, so each API reads, lists, watches, changes and deletes what the other wrote, with
// the same uid and resourceVersion. Runs the real Registry over the memory datastore.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/registry/printing.h"
#include "test/cluster/registry/memory_registry.h"

namespace mini::cluster::registry {
namespace json = boost::json;

namespace {

json::object Json(std::string_view text) { return json::parse(text).as_object(); }

class Cluster : public testing::MemoryRegistry {
 public:
  Storage& core() { return Find("", "v1", "events"); }
  Storage& events() { return Find("events.k8s.io", "v1", "events"); }
};

// What client-go's newer event recorder sends to events.k8s.io/v1.
json::object NewEvent(const std::string& name) {
  json::object event = Json(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
    "metadata":{"namespace":"default"},
    "eventTime":"2024-05-01T10:00:00.000000Z",
    "reportingController":"example.com/scheduler","reportingInstance":"scheduler-1",
    "action":"Binding","reason":"Scheduled","type":"Normal",
    "regarding":{"kind":"Pod","namespace":"default","name":"web-1"},
    "note":"Bound web-1 to mini"})");
  event["metadata"].as_object()["name"] = name;
  return event;
}

// What kubectl's and the kubelet's old recorder send to core/v1.
json::object LegacyEvent(const std::string& name) {
  json::object event = Json(R"({"apiVersion":"v1","kind":"Event",
    "metadata":{"namespace":"default"},
    "involvedObject":{"kind":"Node","name":"mini"},
    "reason":"Starting","message":"Starting kubelet.","type":"Normal",
    "source":{"component":"kubelet","host":"mini"},"count":1,
    "firstTimestamp":"2024-05-01T10:00:00Z","lastTimestamp":"2024-05-01T10:00:00Z"})");
  event["metadata"].as_object()["name"] = name;
  return event;
}

class Collector : public WatchConsumer {
 public:
  struct Seen {
    EventType type;
    json::object object;
  };

  void OnEvent(EventType type, json::object object) override {
    {
      std::lock_guard lock(mu_);
      seen_.push_back({type, std::move(object)});
    }
    cv_.notify_all();
  }
  void OnError(Status) override {}

  std::vector<Seen> WaitFor(size_t count) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return seen_.size() >= count; });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Seen> seen_;
};

std::string Rv(const json::object& object) { return StringAt(object, "metadata.resourceVersion"); }
std::string Uid(const json::object& object) { return StringAt(object, "metadata.uid"); }

}  // namespace

TEST_SUITE("registry/shared_storage") {
  TEST_CASE("an events.k8s.io/v1 event is stored once, as a core/v1 event") {
    Cluster cluster;
    auto created = cluster.events().Create("default", NewEvent("a"), WriteOptions());
    REQUIRE(created.ok());
    CHECK(StringAt(*created, "apiVersion") == "events.k8s.io/v1");
    CHECK(StringAt(*created, "note") == "Bound web-1 to mini");

    json::object raw = cluster.Raw("/registry/core/events/default/a");
    CHECK(StringAt(raw, "apiVersion") == "v1");
    CHECK(StringAt(raw, "message") == "Bound web-1 to mini");
    CHECK(StringAt(raw, "reportingComponent") == "example.com/scheduler");
    CHECK(StringAt(raw, "involvedObject.name") == "web-1");
    CHECK_FALSE(raw.contains("regarding"));
    CHECK_FALSE(raw.contains("note"));

    auto core = cluster.core().Get("default", "a");
    REQUIRE(core.ok());
    CHECK(StringAt(*core, "apiVersion") == "v1");
    CHECK(StringAt(*core, "message") == "Bound web-1 to mini");
    CHECK(Uid(*core) == Uid(*created));
    CHECK(Rv(*core) == Rv(*created));

    auto listed = cluster.core().List("default", ListOptions());
    REQUIRE(listed.ok());
    REQUIRE(listed->items.size() == 1);
    CHECK(Rv(listed->items[0]) == Rv(*created));
  }

  TEST_CASE("a core/v1 event reads, lists and changes through events.k8s.io/v1") {
    Cluster cluster;
    auto created = cluster.core().Create("default", LegacyEvent("b"), WriteOptions());
    REQUIRE(created.ok());

    auto listed = cluster.events().List("default", ListOptions());
    REQUIRE(listed.ok());
    REQUIRE(listed->items.size() == 1);
    const json::object& served = listed->items[0];
    CHECK(StringAt(served, "apiVersion") == "events.k8s.io/v1");
    CHECK(StringAt(served, "regarding.name") == "mini");
    CHECK(StringAt(served, "note") == "Starting kubelet.");
    CHECK(StringAt(served, "deprecatedSource.component") == "kubelet");
    CHECK(IntAt(served, "deprecatedCount") == 1);
    CHECK_FALSE(served.contains("involvedObject"));
    CHECK(Uid(served) == Uid(*created));
    CHECK(Rv(served) == Rv(*created));

    // A label added through the newer API (as `kubectl label` would) lands on the one object.
    auto updated = cluster.events().Update(
        "default", "b",
        [](json::object current) -> Result<json::object> {
          current["metadata"].as_object()["labels"] = json::object{{"seen", "yes"}};
          return current;
        },
        false, WriteOptions());
    REQUIRE(updated.ok());
    CHECK(StringAt(*updated, "apiVersion") == "events.k8s.io/v1");
    auto core = cluster.core().Get("default", "b");
    REQUIRE(core.ok());
    CHECK(StringAt(*core, "metadata.labels.seen") == "yes");
    CHECK(StringAt(*core, "message") == "Starting kubelet.");
    CHECK(Rv(*core) == Rv(*updated));
    CHECK(Rv(*core) != Rv(*created));
  }

  TEST_CASE("creating the same name through the other API is a conflict") {
    Cluster cluster;
    REQUIRE(cluster.core().Create("default", LegacyEvent("c"), WriteOptions()).ok());
    auto again = cluster.events().Create("default", NewEvent("c"), WriteOptions());
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == Code::kAlreadyExists);
  }

  TEST_CASE("deleting through either API removes the one object") {
    Cluster cluster;
    REQUIRE(cluster.events().Create("default", NewEvent("d"), WriteOptions()).ok());
    REQUIRE(cluster.core().Create("default", LegacyEvent("e"), WriteOptions()).ok());
    auto deleted = cluster.core().Delete("default", "d", DeleteOptions());
    REQUIRE(deleted.ok());
    CHECK(StringAt(*deleted, "apiVersion") == "v1");
    CHECK(cluster.events().Get("default", "d").status().code() == Code::kNotFound);

    auto gone = cluster.events().DeleteCollection("default", ListOptions(), DeleteOptions());
    REQUIRE(gone.ok());
    REQUIRE(gone->items.size() == 1);
    CHECK(StringAt(gone->items[0], "regarding.name") == "mini");
    auto left = cluster.core().List("default", ListOptions());
    REQUIRE(left.ok());
    CHECK(left->items.empty());
  }

  TEST_CASE("each API's watch sees the other's writes in its own form") {
    Cluster cluster;
    auto served = std::make_shared<Collector>();
    auto stored = std::make_shared<Collector>();
    auto served_watch = cluster.events().Watch("default", ListOptions(), served);
    auto stored_watch = cluster.core().Watch("default", ListOptions(), stored);
    REQUIRE(served_watch.ok());
    REQUIRE(stored_watch.ok());

    auto created = cluster.core().Create("default", LegacyEvent("f"), WriteOptions());
    REQUIRE(created.ok());
    auto updated = cluster.events().Update(
        "default", "f",
        [](json::object current) -> Result<json::object> {
          current["metadata"].as_object()["labels"] = json::object{{"seen", "yes"}};
          return current;
        },
        false, WriteOptions());
    REQUIRE(updated.ok());
    REQUIRE(cluster.events().Delete("default", "f", DeleteOptions()).ok());

    using Type = WatchConsumer::EventType;
    std::vector<Collector::Seen> seen = served->WaitFor(3);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].type == Type::kAdded);
    CHECK(seen[1].type == Type::kModified);
    CHECK(seen[2].type == Type::kDeleted);
    for (const Collector::Seen& event : seen) {
      CHECK(StringAt(event.object, "apiVersion") == "events.k8s.io/v1");
      CHECK(StringAt(event.object, "regarding.name") == "mini");
      CHECK_FALSE(event.object.contains("involvedObject"));
    }
    CHECK(Rv(seen[0].object) == Rv(*created));
    CHECK(Rv(seen[1].object) == Rv(*updated));

    std::vector<Collector::Seen> core = stored->WaitFor(3);
    REQUIRE(core.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(core[i].type == seen[i].type);
      CHECK(StringAt(core[i].object, "apiVersion") == "v1");
      CHECK(StringAt(core[i].object, "involvedObject.name") == "mini");
      CHECK(Rv(core[i].object) == Rv(seen[i].object));
    }
  }

  TEST_CASE("field selectors use each API's field names") {
    Cluster cluster;
    REQUIRE(cluster.events().Create("default", NewEvent("g"), WriteOptions()).ok());
    REQUIRE(cluster.core().Create("default", LegacyEvent("h"), WriteOptions()).ok());
    auto select = [](std::string_view text) {
      ListOptions options;
      auto parsed = mini::api::meta::FieldSelector::Parse(text);
      REQUIRE(parsed.ok());
      options.fields = std::move(*parsed);
      return options;
    };
    auto served = cluster.events().List("default", select("regarding.name=web-1"));
    REQUIRE(served.ok());
    REQUIRE(served->items.size() == 1);
    CHECK(StringAt(served->items[0], "metadata.name") == "g");
    auto by_source = cluster.events().List("default", select("source=kubelet"));
    REQUIRE(by_source.ok());
    REQUIRE(by_source->items.size() == 1);
    CHECK(StringAt(by_source->items[0], "metadata.name") == "h");
    auto stored = cluster.core().List("default", select("involvedObject.name=web-1"));
    REQUIRE(stored.ok());
    REQUIRE(stored->items.size() == 1);
    CHECK(StringAt(stored->items[0], "metadata.name") == "g");
  }

  TEST_CASE("an invalid events.k8s.io/v1 event is refused with this API's field names") {
    Cluster cluster;
    json::object event = NewEvent("i");
    event.erase("reportingController");
    event["type"] = "Info";
    auto created = cluster.events().Create("default", event, WriteOptions());
    REQUIRE_FALSE(created.ok());
    CHECK(created.status().code() == Code::kInvalidArgument);
    CHECK(created.status().message() ==
          "Event.events.k8s.io \"i\" is invalid: [reportingController: Required value, type: "
          "Invalid value: \"\": has invalid value: Info]");
    CHECK(cluster.core().Get("default", "i").status().code() == Code::kNotFound);
  }

  TEST_CASE("resources without a converter are stored as served") {
    Cluster cluster;
    json::object map = Json(R"({"apiVersion":"v1","kind":"ConfigMap",
        "metadata":{"name":"settings"},"data":{"mode":"fast"}})");
    auto created = cluster.Find("", "v1", "configmaps").Create("default", map, WriteOptions());
    REQUIRE(created.ok());
    json::object raw = cluster.Raw("/registry/core/configmaps/default/settings");
    raw["metadata"].as_object()["resourceVersion"] = Rv(*created);
    CHECK(raw == *created);
  }
}

}  // namespace mini::cluster::registry
