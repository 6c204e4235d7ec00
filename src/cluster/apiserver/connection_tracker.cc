#include "cluster/apiserver/connection_tracker.h"

#include <vector>

namespace mini::cluster::apiserver {

void ConnectionTracker::Add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu_);
  live_[connection.get()] = connection;
}

void ConnectionTracker::Remove(const Connection* connection) {
  std::lock_guard lock(mu_);
  live_.erase(connection);
  if (live_.empty()) {
    empty_.notify_all();
  }
}

void ConnectionTracker::ShutdownAll() {
  std::vector<std::weak_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, connection] : live_) {
      connections.push_back(connection);
    }
  }
  // Unlocked: the last reference may drop here and the destructor calls Remove.
  for (const auto& weak : connections) {
    if (std::shared_ptr<Connection> connection = weak.lock()) {
      connection->Shutdown();
    }
  }
}

bool ConnectionTracker::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return empty_.wait_until(lock, deadline, [this] { return live_.empty(); });
}

size_t ConnectionTracker::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

}  // namespace mini::cluster::apiserver
