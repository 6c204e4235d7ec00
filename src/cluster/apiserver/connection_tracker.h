// Internal to the API server: the set of open connections, so stopping the server can ask each
// to finish and wait until they are gone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace mini::cluster::apiserver {

class Connection {
 public:
  virtual ~Connection() = default;
  /// Thread-safe: close at once when idle, after the response in progress otherwise; cancel
  /// a streamed body.
  virtual void Shutdown() = 0;
};

/// Thread-safe.
class ConnectionTracker {
 public:
  void Add(const std::shared_ptr<Connection>& connection);
  /// Called from a connection's destructor.
  void Remove(const Connection* connection);
  void ShutdownAll();
  /// True when no connection is left before `deadline`.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable empty_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> live_;  // guarded by mu_
};

}  // namespace mini::cluster::apiserver
