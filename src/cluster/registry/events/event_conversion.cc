#include "cluster/registry/events/event_conversion.h"

#include <boost/json.hpp>

namespace mini::cluster::registry::events {
namespace json = boost::json;

namespace {

struct Renamed {
  std::string_view served;  // events.k8s.io/v1
  std::string_view stored;  // core/v1
};

// Only the names that differ; a field of neither list is the same in both kinds.
constexpr Renamed kRenamed[] = {
    {"regarding", "involvedObject"},
    {"note", "message"},
    {"reportingController", "reportingComponent"},
    {"deprecatedSource", "source"},
    {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"},
    {"deprecatedCount", "count"},
};

std::string_view ToCoreName(std::string_view name) {
  for (const Renamed& field : kRenamed) {
    if (field.served == name) return field.stored;
  }
  return name;
}

std::string_view FromCoreName(std::string_view name) {
  for (const Renamed& field : kRenamed) {
    if (field.stored == name) return field.served;
  }
  return name;
}

// Renames the top-level fields, keeping their order so output reads like the input.
json::object Rename(json::object event, std::string_view (*rename)(std::string_view),
                    std::string_view api_version) {
  json::object out(event.storage());
  out.reserve(event.size() + 2);
  for (auto& [key, value] : event) out[rename(key)] = std::move(value);
  out["apiVersion"] = api_version;
  out["kind"] = "Event";
  return out;
}

class EventConverter : public Converter {
 public:
  Location StoredAs() const override { return {"", "events"}; }
  json::object ToStorage(json::object served) const override {
    return EventToCore(std::move(served));
  }
  json::object FromStorage(json::object stored) const override {
    return EventFromCore(std::move(stored));
  }
};

}  // namespace

json::object EventToCore(json::object event) { return Rename(std::move(event), &ToCoreName, "v1"); }

json::object EventFromCore(json::object event) {
  return Rename(std::move(event), &FromCoreName, "events.k8s.io/v1");
}

std::string EventPathFromCore(std::string_view path) {
  size_t end = path.find_first_of(".[");
  std::string_view head = path.substr(0, end);
  std::string out(FromCoreName(head));
  if (end != std::string_view::npos) out += path.substr(end);
  return out;
}

std::unique_ptr<Converter> NewEventConverter() { return std::make_unique<EventConverter>(); }

}  // namespace mini::cluster::registry::events
