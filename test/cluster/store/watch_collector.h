// A WatchSink for tests: records every batch and lets the test wait for a number of events.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/store/backend.h"

namespace mini::store::testing {

class WatchCollector : public WatchSink {
 public:
  /// Runs inside OnEvents after the batch is recorded (for tests that cancel from the sink).
  void SetOnBatch(std::function<void()> on_batch) {
    std::lock_guard lock(mu_);
    on_batch_ = std::move(on_batch);
  }

  void OnEvents(std::vector<Event> events) override {
    std::function<void()> on_batch;
    {
      std::lock_guard lock(mu_);
      ++batches_;
      for (Event& event : events) {
        events_.push_back(std::move(event));
      }
      on_batch = on_batch_;
    }
    cv_.notify_all();
    if (on_batch) {
      on_batch();
    }
  }

  void OnError(Status status) override {
    {
      std::lock_guard lock(mu_);
      error_ = std::move(status);
    }
    cv_.notify_all();
  }

  /// True once at least `count` events arrived, false after `timeout`.
  bool WaitForEvents(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= count; });
  }

  /// The error, once OnError was called, or nullopt after `timeout`.
  std::optional<Status> WaitForError(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return error_.has_value(); });
    return error_;
  }

  std::vector<Event> Events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  size_t Batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  size_t batches_ = 0;
  std::optional<Status> error_;
  std::function<void()> on_batch_;
};

}  // namespace mini::store::testing
