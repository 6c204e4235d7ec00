// A watch as an HTTP response: newline-delimited JSON events ({"type":"ADDED","object":...}),
// optionally as Tables, with bookmarks and the request's timeout driven by a shared ticker.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/apiserver/http.h"
#include "cluster/apiserver/rest/table.h"
#include "cluster/registry/storage.h"

namespace mini::cluster::apiserver::rest {

class WatchStream : public BodyStream,
                    public registry::WatchConsumer,
                    public std::enable_shared_from_this<WatchStream> {
 public:
  struct Options {
    const registry::Strategy* table_strategy = nullptr;  // set: events carry Tables
    IncludeObject include = IncludeObject::kMetadata;
    bool bookmarks = false;
    std::chrono::steady_clock::time_point deadline;
    std::string kind;  // for bookmark objects
    std::string api_version;
  };
  explicit WatchStream(Options options);

  void set_watch(store::WatchPtr watch);

  // BodyStream
  void Start(std::shared_ptr<StreamSink> sink) override;
  void Cancel() override;
  // WatchConsumer
  void OnEvent(EventType type, boost::json::object object) override;
  void OnError(Status status) override;

  /// Called by the ticker about once a second: sends a bookmark when due, ends the watch at
  /// its deadline. Returns false once the watch is over.
  bool Tick(std::chrono::steady_clock::time_point now);

 private:
  void Send(std::string line);  // mutex_ held
  void Finish();                // mutex_ held
  /// Releases `lock` (on mutex_), then cancels the store watch Finish gave up. Never under
  /// mutex_: the store's cancel waits for a delivery in progress, and delivering (OnEvent)
  /// needs mutex_.
  void CancelFinished(std::unique_lock<std::mutex>& lock);

  Options options_;
  std::mutex mutex_;
  std::shared_ptr<StreamSink> sink_;
  std::vector<std::string> pending_;  // events before Start
  store::WatchPtr watch_;
  store::WatchPtr finished_;  // given up by Finish, cancelled by CancelFinished
  std::string last_version_;
  std::chrono::steady_clock::time_point next_bookmark_;
  bool done_ = false;
  bool first_table_ = true;
};

/// One thread that ticks every live watch; watches register themselves on creation.
class WatchTicker {
 public:
  WatchTicker();
  ~WatchTicker();
  void Add(std::shared_ptr<WatchStream> stream);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::weak_ptr<WatchStream>> streams_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::apiserver::rest
