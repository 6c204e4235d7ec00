// Keeps a current copy of one resource's objects by listing once and then watching, as
// client-go's informers do, and tells handlers what changed. It outlives the server ending a
// watch (watch again from the last version seen) and expired history (list again, and report
// as deleted what vanished meanwhile), so components can be written as "react to changes".
//
// Handlers run on the informer's own thread, one at a time, in the order of the changes;
// they may call the API. Get and Objects may be called from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/client/client.h"

namespace mini::cluster::client {

struct InformerHandlers {
  std::function<void(const boost::json::object& object)> on_add;
  std::function<void(const boost::json::object& old, const boost::json::object& now)> on_update;
  std::function<void(const boost::json::object& object)> on_delete;
};

class Informer {
 public:
  /// `name_space` "" watches every namespace; `selectors` narrows what is seen. `client`
  /// must outlive the informer.
  Informer(Client& client, Resource resource, std::string name_space, ListOptions selectors,
           InformerHandlers handlers);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  /// Starts the informer's thread. Call once.
  void Start();
  /// Ends the watch and joins the thread; no handler runs after it returns. Idempotent.
  void Stop();
  /// True once the first list has been delivered, false when `timeout` passed before.
  bool WaitForSync(std::chrono::milliseconds timeout);

  std::optional<boost::json::object> Get(const std::string& name_space,
                                         const std::string& name) const;
  std::vector<boost::json::object> Objects() const;
  /// Calls `visit` on every object without copying it, holding the informer's lock: `visit`
  /// must be quick and must not call back into the informer.
  void ForEach(const std::function<void(const boost::json::object&)>& visit) const;

 private:
  struct Change;
  void Run();
  bool Relist();
  void Watch();
  void Apply(const WatchEvent& event);
  void Set(const std::string& key, boost::json::object object);
  void Erase(const std::string& key);

  Client& client_;
  const Resource resource_;
  const std::string name_space_;
  const ListOptions selectors_;
  const InformerHandlers handlers_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::map<std::string, boost::json::object> objects_;  // "namespace/name" -> object
  std::deque<Change> queue_;  // from the watch's thread to the informer's
  std::string resource_version_;
  bool synced_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::client
