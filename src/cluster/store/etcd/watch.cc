#include "cluster/store/etcd/watch.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/store/etcd/codec.h"

namespace mini::store::etcd {
namespace {

// One message of the stream, decoded.
struct WatchMessage {
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;
  int64_t header_revision = 0;
  std::string cancel_reason;
  std::vector<Event> events;
};

Result<Event> DecodeEvent(const json::object& object, std::string_view key_prefix) {
  Event event;
  const json::value* type = object.if_contains("type");
  event.type = type != nullptr && type->is_string() && type->get_string() == "DELETE"
                   ? Event::Type::kDelete
                   : Event::Type::kPut;
  MINI_ASSIGN_OR_RETURN(event.kv, DecodeKeyValue(ObjectField(object, "kv"), key_prefix));
  if (const json::value* prev = object.if_contains("prev_kv"); prev != nullptr) {
    MINI_ASSIGN_OR_RETURN(event.prev_kv, DecodeKeyValue(*prev, key_prefix));
  }
  return event;
}

// A stream-level error ({"error": {...}}) means the stream broke; the caller resumes it.
Result<WatchMessage> DecodeMessage(const std::string& text, std::string_view key_prefix) {
  MINI_ASSIGN_OR_RETURN(json::object result, DecodeStreamMessage(text));
  WatchMessage message;
  message.created = BoolField(result, "created");
  message.canceled = BoolField(result, "canceled");
  message.compact_revision = IntField(result, "compact_revision");
  message.header_revision = IntField(ObjectField(result, "header"), "revision");
  if (const json::value* reason = result.if_contains("cancel_reason");
      reason != nullptr && reason->is_string()) {
    message.cancel_reason = std::string(reason->get_string());
  }
  for (const json::value& item : ArrayField(result, "events")) {
    if (!item.is_object()) {
      return Error(Code::kUnavailable, "etcd sent a watch event that is not an object");
    }
    MINI_ASSIGN_OR_RETURN(Event event, DecodeEvent(item.get_object(), key_prefix));
    message.events.push_back(std::move(event));
  }
  return message;
}

// What the reader thread shares with the Watch handle. Shared ownership lets the handle be
// destroyed from inside the sink while the thread unwinds.
class WatchState {
 public:
  WatchState(std::shared_ptr<Transport> transport, WatchTarget target,
             std::shared_ptr<WatchSink> sink, WatchTiming timing, int64_t next_revision)
      : transport_(std::move(transport)),
        target_(std::move(target)),
        sink_(std::move(sink)),
        timing_(timing),
        next_revision_(next_revision) {}

  // Opens a stream from next_revision_ and waits for etcd to confirm the watch.
  Result<std::unique_ptr<MessageStream>> Open() {
    json::object create{
        {"key", Base64Encode(target_.key)},
        {"start_revision", next_revision_},
        {"prev_kv", true},
        // Progress reports move the resume point of a quiet watch along with the store, so
        // that resuming does not run into a compaction that removed nothing it cares about.
        {"progress_notify", true}};
    if (!target_.range_end.empty()) {
      create["range_end"] = Base64Encode(target_.range_end);
    }
    std::string body = json::serialize(json::object{{"create_request", std::move(create)}});
    MINI_ASSIGN_OR_RETURN(std::unique_ptr<MessageStream> stream,
                          transport_->OpenStream("/v3/watch", body));
    if (!Attach(stream.get())) {
      return Error(Code::kCancelled, "the watch was cancelled");
    }
    Result<std::string> first = stream->Next();
    Result<WatchMessage> message =
        first.ok() ? DecodeMessage(*first, target_.key_prefix) : first.status();
    if (!message.ok() || !message->created) {
      Attach(nullptr);
      return message.ok() ? Error(Code::kUnavailable, "etcd did not confirm the watch")
                          : message.status();
    }
    return stream;
  }

  // The reader thread: pumps the stream, resuming it until the watch ends.
  void Run(std::unique_ptr<MessageStream> stream) {
    while (stream != nullptr) {
      std::optional<Status> end = Pump(*stream);
      Attach(nullptr);
      stream.reset();
      if (end.has_value()) {
        Finish(*end);
        return;
      }
      stream = Reconnect();
    }
  }

  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (current_ != nullptr) {
      current_->Interrupt();
    }
    wake_.notify_all();
  }

 private:
  // Registers the stream Cancel interrupts; false (and nothing registered) once cancelled.
  bool Attach(MessageStream* stream) {
    std::lock_guard lock(mutex_);
    current_ = cancelled_ ? nullptr : stream;
    return !cancelled_;
  }

  bool Cancelled() {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  // Delivers until the stream breaks (nullopt: resume it) or the watch ends (its Status).
  std::optional<Status> Pump(MessageStream& stream) {
    while (true) {
      Result<std::string> text = stream.Next();
      if (!text.ok()) {
        return text.status().code() == Code::kCancelled ? std::optional(text.status())
                                                        : std::nullopt;
      }
      Result<WatchMessage> message = DecodeMessage(*text, target_.key_prefix);
      if (!message.ok()) {
        return std::nullopt;  // the member is failing: try again, maybe elsewhere
      }
      if (message->compact_revision > 0) {
        return Error(Code::kOutOfRange,
                     "cannot watch from revision {}: etcd compacted history up to revision {}",
                     next_revision_, message->compact_revision)
            .WithReason(kReasonCompacted);
      }
      if (message->canceled) {
        return Error(Code::kUnavailable, "etcd cancelled the watch: {}",
                     message->cancel_reason.empty() ? "no reason given" : message->cancel_reason);
      }
      // etcd reports progress only to a watcher that has been sent every earlier change.
      bool progress_report = message->events.empty() && !message->created;
      if (!Deliver(std::move(message->events))) {
        return Error(Code::kCancelled, "the watch was cancelled");
      }
      if (progress_report) {
        next_revision_ = std::max(next_revision_, message->header_revision + 1);
      }
    }
  }

  // Hands events the sink has not seen yet to it; false once cancelled.
  bool Deliver(std::vector<Event> events) {
    std::erase_if(events, [&](const Event& e) { return e.kv.mod_revision < next_revision_; });
    if (events.empty()) {
      return !Cancelled();
    }
    // A revision's events all come in one message, so resuming after the last is exact.
    int64_t last = events.back().kv.mod_revision;
    if (Cancelled()) {
      return false;
    }
    sink_->OnEvents(std::move(events));
    next_revision_ = last + 1;
    return !Cancelled();
  }

  // Retries with growing pauses; nullptr once cancelled or out of time (the sink told).
  std::unique_ptr<MessageStream> Reconnect() {
    auto give_up = Clock::now() + timing_.give_up_after;
    auto backoff = timing_.first_backoff;
    while (true) {
      Result<std::unique_ptr<MessageStream>> stream = Open();
      if (stream.ok() || Cancelled()) {
        return stream.ok() ? std::move(stream).value() : nullptr;
      }
      if (Clock::now() + backoff > give_up) {
        Finish(Error(Code::kUnavailable,
                     "lost the watch on etcd and could not resume it from revision {} within "
                     "{} s: {}",
                     next_revision_, timing_.give_up_after.count() / 1000,
                     stream.status().message()));
        return nullptr;
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, backoff, [&] { return cancelled_; });
      backoff = std::min(backoff * 2, timing_.max_backoff);
    }
  }

  void Finish(const Status& status) {
    if (status.code() != Code::kCancelled && !Cancelled()) {
      sink_->OnError(status);
    }
  }

  std::shared_ptr<Transport> transport_;
  WatchTarget target_;
  std::shared_ptr<WatchSink> sink_;
  WatchTiming timing_;
  int64_t next_revision_;  // the reader's: the first revision not delivered yet

  std::mutex mutex_;
  std::condition_variable wake_;      // ends a backoff pause early on Cancel
  bool cancelled_ = false;            // guarded by mutex_
  MessageStream* current_ = nullptr;  // guarded by mutex_: the stream Cancel interrupts
};

class EtcdWatch final : public Watch {
 public:
  explicit EtcdWatch(std::shared_ptr<WatchState> state) : state_(std::move(state)) {}
  ~EtcdWatch() override { Cancel(); }

  void Start(std::unique_ptr<MessageStream> stream) {
    thread_ = std::thread(
        [state = state_, first = std::move(stream)]() mutable { state->Run(std::move(first)); });
  }

  void Cancel() override {
    state_->Cancel();
    if (!thread_.joinable()) {
      return;
    }
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // called from the sink: the thread ends as soon as the sink returns
    } else {
      thread_.join();
    }
  }

 private:
  std::shared_ptr<WatchState> state_;
  std::thread thread_;
};

}  // namespace

Result<WatchPtr> StartWatch(std::shared_ptr<Transport> transport, WatchTarget target,
                            int64_t from_revision, std::shared_ptr<WatchSink> sink,
                            WatchTiming timing) {
  auto state = std::make_shared<WatchState>(std::move(transport), std::move(target),
                                            std::move(sink), timing, from_revision);
  MINI_ASSIGN_OR_RETURN(std::unique_ptr<MessageStream> stream, state->Open());
  auto watch = std::make_unique<EtcdWatch>(state);
  watch->Start(std::move(stream));
  return WatchPtr(std::move(watch));
}

}  // namespace mini::store::etcd
