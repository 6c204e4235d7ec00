#include "cluster/registry/events/event_conversion.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::cluster::registry::events {
namespace json = boost::json;

namespace {

json::object Json(std::string_view text) { return json::parse(text).as_object(); }

// Every field of an events.k8s.io/v1 Event, and the same event in core/v1 form.
constexpr const char* kServed = R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
  "metadata":{"name":"web-1.17a","namespace":"default","uid":"u-1","resourceVersion":"7"},
  "eventTime":"2024-05-01T10:00:00.000000Z",
  "series":{"count":3,"lastObservedTime":"2024-05-01T10:05:00.000000Z"},
  "reportingController":"example.com/scheduler","reportingInstance":"scheduler-1",
  "action":"Binding","reason":"Scheduled",
  "regarding":{"kind":"Pod","namespace":"default","name":"web-1","uid":"p-1"},
  "related":{"kind":"Node","name":"mini"},
  "note":"Bound web-1 to mini","type":"Normal",
  "deprecatedSource":{"component":"scheduler","host":"mini"},
  "deprecatedFirstTimestamp":"2024-05-01T10:00:00Z",
  "deprecatedLastTimestamp":"2024-05-01T10:05:00Z","deprecatedCount":3})";

constexpr const char* kStored = R"({"apiVersion":"v1","kind":"Event",
  "metadata":{"name":"web-1.17a","namespace":"default","uid":"u-1","resourceVersion":"7"},
  "eventTime":"2024-05-01T10:00:00.000000Z",
  "series":{"count":3,"lastObservedTime":"2024-05-01T10:05:00.000000Z"},
  "reportingComponent":"example.com/scheduler","reportingInstance":"scheduler-1",
  "action":"Binding","reason":"Scheduled",
  "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1","uid":"p-1"},
  "related":{"kind":"Node","name":"mini"},
  "message":"Bound web-1 to mini","type":"Normal",
  "source":{"component":"scheduler","host":"mini"},
  "firstTimestamp":"2024-05-01T10:00:00Z",
  "lastTimestamp":"2024-05-01T10:05:00Z","count":3})";

}  // namespace

TEST_SUITE("registry/events/conversion") {
  TEST_CASE("an events.k8s.io/v1 Event becomes the core/v1 Event with the same facts") {
    CHECK(EventToCore(Json(kServed)) == Json(kStored));
  }

  TEST_CASE("a core/v1 Event reads as the events.k8s.io/v1 Event with the same facts") {
    CHECK(EventFromCore(Json(kStored)) == Json(kServed));
  }

  TEST_CASE("both directions round-trip, also for sparse events") {
    CHECK(EventFromCore(EventToCore(Json(kServed))) == Json(kServed));
    CHECK(EventToCore(EventFromCore(Json(kStored))) == Json(kStored));
    // An old-style core event: no eventTime, no reporting fields.
    json::object legacy = Json(R"({"apiVersion":"v1","kind":"Event","metadata":{"name":"a"},
        "involvedObject":{"kind":"Node","name":"mini"},"reason":"Starting","count":1,
        "source":{"component":"kubelet"}})");
    json::object served = EventFromCore(legacy);
    CHECK(served == Json(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
        "metadata":{"name":"a"},"regarding":{"kind":"Node","name":"mini"},"reason":"Starting",
        "deprecatedCount":1,"deprecatedSource":{"component":"kubelet"}})"));
    CHECK(EventToCore(served) == legacy);
  }

  TEST_CASE("apiVersion and kind follow the form even when the input lacks them") {
    json::object core = EventToCore(Json(R"({"metadata":{"name":"a"}})"));
    CHECK(core.at("apiVersion") == "v1");
    CHECK(core.at("kind") == "Event");
    CHECK(EventFromCore(core).at("apiVersion") == "events.k8s.io/v1");
  }

  TEST_CASE("core field paths are renamed to the events.k8s.io ones") {
    CHECK(EventPathFromCore("involvedObject.namespace") == "regarding.namespace");
    CHECK(EventPathFromCore("involvedObject") == "regarding");
    CHECK(EventPathFromCore("message") == "note");
    CHECK(EventPathFromCore("reportingComponent") == "reportingController");
    CHECK(EventPathFromCore("count") == "deprecatedCount");
    CHECK(EventPathFromCore("source.host") == "deprecatedSource.host");
    CHECK(EventPathFromCore("series.count") == "series.count");
    CHECK(EventPathFromCore("metadata.name") == "metadata.name");
    CHECK(EventPathFromCore("reason") == "reason");
  }

  TEST_CASE("only events.k8s.io/v1 events have a converter, to core events' keys") {
    std::unique_ptr<Converter> converter = NewConverter("events.k8s.io", "v1", "events");
    REQUIRE(converter != nullptr);
    CHECK(converter->StoredAs().group == "");
    CHECK(converter->StoredAs().resource == "events");
    CHECK(converter->ToStorage(Json(kServed)) == Json(kStored));
    CHECK(converter->FromStorage(Json(kStored)) == Json(kServed));
    CHECK(NewConverter("", "v1", "events") == nullptr);
    CHECK(NewConverter("apps", "v1", "deployments") == nullptr);
  }
}

}  // namespace mini::cluster::registry::events
