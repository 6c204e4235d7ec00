#include "cluster/apiserver/rest/watch_stream.h"

#include <boost/json.hpp>

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;

namespace {
// Kubernetes sends a bookmark about once a minute to watches that asked for them.
constexpr std::chrono::seconds kBookmarkInterval{60};

const char* TypeName(registry::WatchConsumer::EventType type) {
  switch (type) {
    case registry::WatchConsumer::EventType::kAdded:
      return "ADDED";
    case registry::WatchConsumer::EventType::kModified:
      return "MODIFIED";
    case registry::WatchConsumer::EventType::kDeleted:
      return "DELETED";
  }
  return "ERROR";
}
}  // namespace

WatchStream::WatchStream(Options options)
    : options_(std::move(options)),
      next_bookmark_(std::chrono::steady_clock::now() + kBookmarkInterval) {}

void WatchStream::set_watch(store::WatchPtr watch) {
  std::unique_lock lock(mutex_);
  if (done_) {
    finished_ = std::move(watch);
  } else {
    watch_ = std::move(watch);
  }
  CancelFinished(lock);
}

void WatchStream::Start(std::shared_ptr<StreamSink> sink) {
  std::unique_lock lock(mutex_);
  sink_ = std::move(sink);
  for (std::string& line : pending_) {
    if (!sink_->Write(std::move(line))) {
      Finish();
      break;
    }
  }
  pending_.clear();
  if (done_) sink_->Close();
  CancelFinished(lock);
}

void WatchStream::Cancel() {
  std::unique_lock lock(mutex_);
  Finish();
  CancelFinished(lock);
}

void WatchStream::Send(std::string line) {
  if (done_) return;
  if (!sink_) {
    pending_.push_back(std::move(line));
    return;
  }
  if (!sink_->Write(std::move(line))) Finish();
}

void WatchStream::Finish() {
  if (done_) return;
  done_ = true;
  finished_ = std::move(watch_);
  if (sink_) sink_->Close();
}

void WatchStream::CancelFinished(std::unique_lock<std::mutex>& lock) {
  store::WatchPtr watch = std::move(finished_);
  lock.unlock();
  if (watch) watch->Cancel();
}

void WatchStream::OnEvent(EventType type, json::object object) {
  std::unique_lock lock(mutex_);
  if (done_) return;
  if (const json::object* metadata =
          object.if_contains("metadata") ? object["metadata"].if_object() : nullptr) {
    if (const json::value* rv = metadata->if_contains("resourceVersion"); rv && rv->is_string()) {
      last_version_ = std::string(rv->get_string());
    }
  }
  json::value payload;
  if (options_.table_strategy != nullptr) {
    json::object metadata{{"resourceVersion", last_version_}};
    payload = BuildTable(*options_.table_strategy, {object}, std::move(metadata), options_.include,
                         first_table_);
    first_table_ = false;
  } else {
    payload = std::move(object);
  }
  json::object event{{"type", TypeName(type)}, {"object", std::move(payload)}};
  Send(json::serialize(event) + "\n");
  CancelFinished(lock);
}

void WatchStream::OnError(Status status) {
  std::unique_lock lock(mutex_);
  int code = status.code() == Code::kOutOfRange ? 410 : 500;
  json::object error{{"kind", "Status"},
                     {"apiVersion", "v1"},
                     {"metadata", json::object()},
                     {"status", "Failure"},
                     {"message", status.message()},
                     {"reason", code == 410 ? "Expired" : "InternalError"},
                     {"code", code}};
  json::object event{{"type", "ERROR"}, {"object", std::move(error)}};
  Send(json::serialize(event) + "\n");
  Finish();
  CancelFinished(lock);
}

bool WatchStream::Tick(std::chrono::steady_clock::time_point now) {
  std::unique_lock lock(mutex_);
  if (done_) return false;
  if (now >= options_.deadline) {
    Finish();
    CancelFinished(lock);
    return false;
  }
  if (options_.bookmarks && now >= next_bookmark_ && !last_version_.empty()) {
    next_bookmark_ = now + kBookmarkInterval;
    json::object object{{"kind", options_.kind},
                        {"apiVersion", options_.api_version},
                        {"metadata", json::object{{"resourceVersion", last_version_}}}};
    Send(json::serialize(json::object{{"type", "BOOKMARK"}, {"object", std::move(object)}}) + "\n");
  }
  const bool live = !done_;
  CancelFinished(lock);
  return live;
}

WatchTicker::WatchTicker() : thread_([this] { Run(); }) {}

WatchTicker::~WatchTicker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WatchTicker::Add(std::shared_ptr<WatchStream> stream) {
  std::lock_guard lock(mutex_);
  streams_.push_back(stream);
}

void WatchTicker::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    std::vector<std::weak_ptr<WatchStream>> streams;
    streams.swap(streams_);
    lock.unlock();
    auto now = std::chrono::steady_clock::now();
    std::vector<std::weak_ptr<WatchStream>> alive;
    for (auto& weak : streams) {
      if (auto stream = weak.lock(); stream && stream->Tick(now)) alive.push_back(weak);
    }
    lock.lock();
    streams_.insert(streams_.end(), alive.begin(), alive.end());
  }
}

}  // namespace mini::cluster::apiserver::rest
