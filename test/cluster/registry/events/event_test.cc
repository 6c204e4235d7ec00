// The events.k8s.io/v1 Event strategy: Kubernetes' stricter rules for the newer API, errors
// named by its fields, and core's selectors and columns under its names.
#include "cluster/registry/events/event.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "cluster/registry/events/event_conversion.h"
#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry::events {
namespace json = boost::json;
using testing::Has;
using testing::Json;
using testing::Lines;

namespace {

std::string Describe(const FieldErrors& errors) {
  std::string out;
  for (const std::string& line : Lines(errors)) out += line + "\n";
  return out;
}

// What a well-behaved events.k8s.io client (client-go's new recorder) creates.
json::object NewEvent() {
  return Json(R"({"apiVersion":"events.k8s.io/v1","kind":"Event",
    "metadata":{"name":"web-1.17a","namespace":"default"},
    "eventTime":"2024-05-01T10:00:00.000000Z",
    "reportingController":"example.com/scheduler","reportingInstance":"scheduler-1",
    "action":"Binding","reason":"Scheduled","type":"Normal",
    "regarding":{"kind":"Pod","namespace":"default","name":"web-1","uid":"p-1"},
    "note":"Bound web-1 to mini"})");
}

}  // namespace

TEST_SUITE("registry/events/strategy") {
  TEST_CASE("a complete new event is valid") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    json::object event = NewEvent();
    FieldErrors errors = testing::Create(*strategy, event);
    CHECK_MESSAGE(errors.empty(), Describe(errors));
  }

  TEST_CASE("a new event needs the fields that describe it, named as this API names them") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    json::object event = NewEvent();
    for (const char* field : {"reportingController", "reportingInstance", "action", "reason"}) {
      event.erase(field);
    }
    FieldErrors errors = strategy->Validate(event);
    const std::vector<std::string> missing = {"reportingController: Required value",
                                              "reportingInstance: Required value",
                                              "action: Required value", "reason: Required value"};
    CHECK_MESSAGE(Lines(errors) == missing, Describe(errors));

    json::object timeless = NewEvent();
    timeless.erase("eventTime");
    errors = strategy->Validate(timeless);
    const std::vector<std::string> no_time = {"eventTime: Required value"};
    CHECK_MESSAGE(Lines(errors) == no_time, Describe(errors));
  }

  TEST_CASE("type, note, namespace and controller name are checked") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    json::object event = NewEvent();
    event["type"] = "Info";
    event["note"] = std::string(1025, 'x');
    event["reportingController"] = "not a name";
    event["regarding"].as_object()["namespace"] = "other";
    FieldErrors errors = strategy->Validate(event);
    CHECK_MESSAGE(Has(errors, "type: Invalid value: \"\": has invalid value: Info"),
                  Describe(errors));
    CHECK_MESSAGE(Has(errors, "note: Invalid value: \"\": can have at most 1024 characters"),
                  Describe(errors));
    CHECK_MESSAGE(Has(errors,
                      "regarding.namespace: Invalid value: \"other\": does not match "
                      "event.namespace"),
                  Describe(errors));
    bool controller = false;
    for (const FieldError& error : errors) controller |= error.field == "reportingController";
    CHECK_MESSAGE(controller, Describe(errors));

    event = NewEvent();
    event.erase("type");
    CHECK(Has(strategy->Validate(event), "type: Invalid value: \"\": has invalid value: "));
    event["type"] = "Warning";
    CHECK(strategy->Validate(event).empty());
  }

  TEST_CASE("new events leave the deprecated fields unset and their series repeats") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    json::object event = NewEvent();
    event["deprecatedCount"] = 2;
    event["deprecatedFirstTimestamp"] = "2024-05-01T10:00:00Z";
    event["deprecatedLastTimestamp"] = "2024-05-01T10:00:00Z";
    event["deprecatedSource"] = json::object{{"component", "kubelet"}};
    event["series"] = json::object{{"count", 1}};
    FieldErrors errors = strategy->Validate(event);
    for (const char* line : {"deprecatedCount: Invalid value: \"\": needs to be unset",
                             "deprecatedFirstTimestamp: Invalid value: \"\": needs to be unset",
                             "deprecatedLastTimestamp: Invalid value: \"\": needs to be unset",
                             "deprecatedSource: Invalid value: \"\": needs to be unset",
                             "series.count: Invalid value: \"\": should be at least 2",
                             "series.lastObservedTime: Required value"}) {
      CHECK_MESSAGE(Has(errors, line), line, "\n", Describe(errors));
    }
    // Zero values count as unset, as they do for Kubernetes' typed fields.
    event = NewEvent();
    event["deprecatedCount"] = 0;
    event["deprecatedSource"] = json::object();
    CHECK(strategy->Validate(event).empty());
  }

  TEST_CASE("an update may change the series and metadata only") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    const json::object old = NewEvent();
    json::object next = old;
    next["series"] =
        json::object{{"count", 2}, {"lastObservedTime", "2024-05-01T10:01:00.000000Z"}};
    next["metadata"].as_object()["labels"] = json::object{{"app", "web"}};
    FieldErrors errors = testing::Update(*strategy, next, old);
    CHECK_MESSAGE(errors.empty(), Describe(errors));

    next = old;
    next["note"] = "changed";
    next["regarding"].as_object()["name"] = "web-2";
    next["series"] =
        json::object{{"count", 1}, {"lastObservedTime", "2024-05-01T10:01:00.000000Z"}};
    errors = testing::Update(*strategy, next, old);
    CHECK_MESSAGE(Has(errors, "note: Invalid value: \"changed\": field is immutable"),
                  Describe(errors));
    CHECK_MESSAGE(Has(errors, "series.count: Invalid value: \"\": should be at least 2"),
                  Describe(errors));
    bool regarding = false;
    for (const FieldError& error : errors) regarding |= error.field == "regarding";
    CHECK_MESSAGE(regarding, Describe(errors));
  }

  TEST_CASE("core events keep core's rules, which ask less") {
    // The same old-style event: fine for core/v1, short of what events.k8s.io/v1 requires.
    json::object legacy = Json(R"({"metadata":{"name":"a","namespace":"default"},
        "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1"},
        "reason":"Pulled","message":"pulled","source":{"component":"kubelet"},"count":1})");
    CHECK(testing::StrategyFor("", "events")->Validate(legacy).empty());
    FieldErrors errors =
        testing::StrategyFor("events.k8s.io", "events")->Validate(EventFromCore(legacy));
    CHECK_MESSAGE(Has(errors, "eventTime: Required value"), Describe(errors));
    CHECK_MESSAGE(Has(errors, "deprecatedCount: Invalid value: \"\": needs to be unset"),
                  Describe(errors));
  }

  TEST_CASE("field selectors are core's under this API's names") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    std::map<std::string, std::string> fields = strategy->SelectableFields(NewEvent());
    CHECK(fields["regarding.kind"] == "Pod");
    CHECK(fields["regarding.name"] == "web-1");
    CHECK(fields["regarding.namespace"] == "default");
    CHECK(fields["regarding.uid"] == "p-1");
    CHECK(fields["reportingController"] == "example.com/scheduler");
    CHECK(fields["source"] == "example.com/scheduler");
    CHECK(fields["reason"] == "Scheduled");
    CHECK(fields["type"] == "Normal");
    for (const auto& [label, value] : fields) {
      CAPTURE(label);
      CHECK(label.find("involvedObject") == std::string::npos);
    }
    CHECK(fields.size() == testing::StrategyFor("", "events")->SelectableFields({}).size());
  }

  TEST_CASE("rows print as core's events do") {
    auto strategy = testing::StrategyFor("events.k8s.io", "events");
    auto core = testing::StrategyFor("", "events");
    auto now = testing::Time("2024-05-01T10:02:00Z");
    json::object event = NewEvent();
    CHECK(strategy->Cells(event, now) == core->Cells(EventToCore(event), now));
    json::array cells = strategy->Cells(event, now);
    CHECK(cells[1] == "Normal");
    CHECK(cells[2] == "Scheduled");
    CHECK(cells[3] == "pod/web-1");
    CHECK(cells[6] == "Bound web-1 to mini");
    REQUIRE(strategy->Columns().size() == core->Columns().size());
    CHECK(strategy->Columns()[0].name == "Last Seen");
  }
}

}  // namespace mini::cluster::registry::events
