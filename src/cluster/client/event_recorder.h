// Events as components report them: what happened to an object (a pod scheduled, an image
// pulled, a probe failing), written to the API in the background so the caller never waits on
// it, and counted rather than repeated, as kubectl's `(x4 over 2m)` shows: the same event about
// the same object raises the existing Event's count and lastTimestamp.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "cluster/client/client.h"

namespace mini::cluster::client {

/// Who reports: "kubelet" on host "mini", or "default-scheduler" with an instance name.
struct EventSource {
  std::string component;
  std::string host;      // source.host, for node agents
  std::string instance;  // reportingInstance
};

/// The object an event is about, as Events reference it.
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string name_space;
  std::string name;
  std::string uid;
  std::string resource_version;
  std::string field_path;  // "spec.containers{web}" for one container of a pod

  /// The reference to `object`, whose kind is `kind` in `api_version`.
  static ObjectReference To(const boost::json::object& object, std::string api_version,
                            std::string kind, std::string field_path = {});
};

struct EventRecord {
  std::string type;    // "Normal" or "Warning"
  std::string reason;  // "Pulled", "BackOff"...
  std::string message;
  std::string action;  // optional: "Binding", "Scheduling"
};

/// A new core/v1 Event (count 1) about `involved` from `source`, at `now`.
boost::json::object MakeEvent(const ObjectReference& involved, const EventSource& source,
                              const EventRecord& record, std::chrono::system_clock::time_point now);

class EventRecorder {
 public:
  EventRecorder(Client& client, EventSource source);
  /// Writes what is still queued, for at most a second, then stops.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  /// Queues the event; never blocks on the API. Best effort: a full queue drops it.
  void Record(const ObjectReference& involved, EventRecord record);
  /// Waits until every event queued so far was written or failed (tests).
  bool Flush(std::chrono::milliseconds timeout);

 private:
  struct Pending {
    ObjectReference involved;
    EventRecord record;
    std::chrono::system_clock::time_point at;
  };
  struct Seen {  // an Event written before, that the same event increments
    std::string name;
    std::string name_space;
    int64_t count = 0;
    std::chrono::system_clock::time_point last;
    std::list<std::string>::iterator age;  // position in seen_order_
  };

  void Run();
  void Write(const Pending& pending);
  static std::string Key(const Pending& pending);

  Client& client_;
  const EventSource source_;
  std::map<std::string, Seen> seen_;  // touched by the writer thread only
  std::list<std::string> seen_order_;  // oldest first, to bound seen_

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::client
