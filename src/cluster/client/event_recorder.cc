#include "cluster/client/event_recorder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"

namespace mini::cluster::client {
namespace json = boost::json;

namespace {

constexpr size_t kMaxQueued = 1000;  // beyond this a burst of events is dropped, not buffered
constexpr size_t kMaxSeen = 4096;    // Events remembered for counting repeats
constexpr auto kDrainOnStop = std::chrono::seconds(1);

std::string Text(const json::object& object, std::string_view section, std::string_view key) {
  const json::value* outer = object.if_contains(section);
  if (outer == nullptr || !outer->is_object()) return {};
  const json::value* value = outer->get_object().if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

ObjectReference ObjectReference::To(const json::object& object, std::string api_version,
                                    std::string kind, std::string field_path) {
  return {std::move(api_version),
          std::move(kind),
          Text(object, "metadata", "namespace"),
          Text(object, "metadata", "name"),
          Text(object, "metadata", "uid"),
          Text(object, "metadata", "resourceVersion"),
          std::move(field_path)};
}

json::object MakeEvent(const ObjectReference& involved, const EventSource& source,
                       const EventRecord& record, std::chrono::system_clock::time_point now) {
  json::object reference{{"apiVersion", involved.api_version},
                         {"kind", involved.kind},
                         {"name", involved.name},
                         {"uid", involved.uid}};
  if (!involved.name_space.empty()) reference["namespace"] = involved.name_space;
  if (!involved.resource_version.empty()) {
    reference["resourceVersion"] = involved.resource_version;
  }
  if (!involved.field_path.empty()) reference["fieldPath"] = involved.field_path;
  json::object from{{"component", source.component}};
  if (!source.host.empty()) from["host"] = source.host;
  // Unique per event as client-go names them: the object's name and the time in hex.
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
  std::string time = api::meta::Rfc3339(now);
  // Events about cluster-scoped objects (nodes) live in the default namespace.
  std::string name_space = involved.name_space.empty() ? "default" : involved.name_space;
  json::object event{
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", fmt::format("{}.{:x}", involved.name, nanos.count())},
        {"namespace", name_space}}},
      {"involvedObject", std::move(reference)},
      {"type", record.type},
      {"reason", record.reason},
      {"message", record.message},
      {"source", std::move(from)},
      {"reportingComponent", source.component},
      {"reportingInstance", source.instance.empty() ? source.host : source.instance},
      {"firstTimestamp", time},
      {"lastTimestamp", time},
      {"count", 1}};
  if (!record.action.empty()) event["action"] = record.action;
  return event;
}

EventRecorder::EventRecorder(Client& client, EventSource source)
    : client_(client), source_(std::move(source)), thread_([this] { Run(); }) {}

EventRecorder::~EventRecorder() {
  Flush(kDrainOnStop);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EventRecorder::Record(const ObjectReference& involved, EventRecord record) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  if (queue_.size() >= kMaxQueued) {
    spdlog::warn("{}: dropping event {} about {}: too many waiting to be written",
                 source_.component, record.reason, involved.name);
    return;
  }
  queue_.push_back({involved, std::move(record), std::chrono::system_clock::now()});
  wake_.notify_one();
}

bool EventRecorder::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, timeout, [this] { return queue_.empty() && !writing_; });
}

void EventRecorder::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    Write(pending);
    lock.lock();
    writing_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

std::string EventRecorder::Key(const Pending& pending) {
  const ObjectReference& o = pending.involved;
  const EventRecord& r = pending.record;
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", o.kind, o.name_space, o.name, o.uid,
                     o.field_path, r.type, r.reason) +
         "\n" + r.message;
}

void EventRecorder::Write(const Pending& pending) {
  const std::string key = Key(pending);
  if (auto it = seen_.find(key); it != seen_.end()) {
    Seen& seen = it->second;
    json::object patch{{"count", seen.count + 1},
                       {"lastTimestamp", api::meta::Rfc3339(pending.at)}};
    auto patched = client_.Patch(resources::kEvents, seen.name_space, seen.name, patch);
    if (patched.ok()) {
      seen.count++;
      seen.last = pending.at;
      seen_order_.splice(seen_order_.end(), seen_order_, seen.age);
      return;
    }
    // Gone (a TTL, a deletion) or refused: start a new Event.
    seen_order_.erase(seen.age);
    seen_.erase(it);
  }
  json::object event = MakeEvent(pending.involved, source_, pending.record, pending.at);
  std::string name_space = std::string(event.at("metadata").at("namespace").as_string());
  auto created = client_.Create(resources::kEvents, name_space, event);
  if (!created.ok()) {
    // Events are best effort, as Kubernetes' recorders treat them.
    spdlog::warn("{}: recording event {} about {}: {}", source_.component,
                 pending.record.reason, pending.involved.name, created.status().message());
    return;
  }
  if (seen_.size() >= kMaxSeen) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  seen_order_.push_back(key);
  seen_[key] = Seen{std::string(event.at("metadata").at("name").as_string()), name_space, 1,
                    pending.at, std::prev(seen_order_.end())};
}

}  // namespace mini::cluster::client
