#include "cluster/registry/events/event.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/event.h"
#include "cluster/registry/events/event_conversion.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::events {
namespace json = boost::json;

namespace {

// What an update through this API may not change: everything but metadata and series.
constexpr const char* kImmutable[] = {"eventTime",
                                      "reportingController",
                                      "reportingInstance",
                                      "action",
                                      "reason",
                                      "regarding",
                                      "related",
                                      "note",
                                      "type",
                                      "deprecatedSource",
                                      "deprecatedFirstTimestamp",
                                      "deprecatedLastTimestamp",
                                      "deprecatedCount"};

// Kubernetes checks these rules on typed Go fields, where absent, null, "", 0 and an empty
// struct are all the same zero value; JSON needs saying so.
bool IsZero(const json::value* value) {
  if (value == nullptr || value->is_null()) return true;
  if (const json::string* text = value->if_string()) return text->empty();
  if (const json::object* object = value->if_object()) return object->empty();
  if (const json::array* array = value->if_array()) return array->empty();
  if (value->is_bool()) return !value->get_bool();
  if (value->is_int64()) return value->get_int64() == 0;
  if (value->is_uint64()) return value->get_uint64() == 0;
  return value->is_double() && value->get_double() == 0;
}

bool Same(const json::value* a, const json::value* b) {
  if (IsZero(a) || IsZero(b)) return IsZero(a) && IsZero(b);
  return *a == *b;
}

// A series summarizes repeats, so it exists only from the second occurrence on.
void ValidateSeries(const json::object& event, FieldErrors& errors) {
  const json::object* series = core::ObjectField(event, "series");
  if (series == nullptr) return;
  int64_t count = 0;
  core::IntField(*series, "count", count);
  if (count < 2)
    errors.push_back(Invalid("series.count", json::string(""), "should be at least 2"));
  if (IsZero(series->if_contains("lastObservedTime"))) {
    errors.push_back(Required("series.lastObservedTime"));
  }
}

class EventStrategy : public Strategy {
 public:
  explicit EventStrategy(const StrategyContext& context) : core_(core::NewEventStrategy(context)) {}

  FieldErrors Validate(const json::object& event) const override {
    FieldErrors errors = CoreErrors(event);
    ValidateSeries(event, errors);
    if (IsZero(event.if_contains("eventTime"))) errors.push_back(Required("eventTime"));
    std::string type = core::StringField(event, "type");
    if (type != "Normal" && type != "Warning") {
      errors.push_back(
          Invalid("type", json::string(""), fmt::format("has invalid value: {}", type)));
    }
    // New events describe themselves with the fields above; the old-style ones stay empty.
    for (const char* field :
         {"deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"}) {
      if (!IsZero(event.if_contains(field))) {
        errors.push_back(Invalid(field, json::string(""), "needs to be unset"));
      }
    }
    if (!StringAt(event, "deprecatedSource.component").empty() ||
        !StringAt(event, "deprecatedSource.host").empty()) {
      errors.push_back(Invalid("deprecatedSource", json::string(""), "needs to be unset"));
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& event, const json::object& old) const override {
    FieldErrors errors = CoreErrors(event);
    if (!Same(event.if_contains("series"), old.if_contains("series"))) {
      ValidateSeries(event, errors);
    }
    for (const char* field : kImmutable) {
      const json::value* value = event.if_contains(field);
      if (!Same(value, old.if_contains(field))) {
        errors.push_back(Invalid(field, value ? *value : json::value(), core::kFieldImmutable));
      }
    }
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& event) const override {
    std::map<std::string, std::string> fields;
    for (const auto& [label, value] : core_->SelectableFields(EventToCore(event))) {
      // Kubernetes keeps `source` under its old name in this API too.
      fields[label == "source" ? label : EventPathFromCore(label)] = value;
    }
    return fields;
  }

  std::vector<Column> Columns() const override { return core_->Columns(); }

  json::array Cells(const json::object& event,
                    std::chrono::system_clock::time_point now) const override {
    return core_->Cells(EventToCore(event), now);
  }

 private:
  // The rules every event follows, whichever API wrote it, named as this API names the fields.
  FieldErrors CoreErrors(const json::object& event) const {
    FieldErrors errors = core_->Validate(EventToCore(event));
    for (FieldError& error : errors) error.field = EventPathFromCore(error.field);
    return errors;
  }

  std::unique_ptr<Strategy> core_;
};

}  // namespace

std::unique_ptr<Strategy> NewEventStrategy(const StrategyContext& context) {
  return std::make_unique<EventStrategy>(context);
}

}  // namespace mini::cluster::registry::events
