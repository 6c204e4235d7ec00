// What the service-account and root-CA controllers share: one named object kept in every
// namespace (created when missing, restored when deleted or changed), reconciled from two
// informers (the namespaces, and the objects of that name) by one worker with retries.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cluster/client/informer.h"
#include "cluster/controllers/controller.h"
#include "common/status.h"

namespace mini::cluster::controllers {

struct FanoutSpec {
  std::string controller;  // for logs: "serviceaccount"
  client::Resource resource;
  std::string name;  // the object's name in every namespace
  /// The object wanted in `name_space`.
  std::function<boost::json::object(const std::string& name_space)> desired;
  /// Whether the existing object must be rewritten to `desired`; null: never.
  std::function<bool(const boost::json::object& current, const boost::json::object& desired)>
      differs;
};

class NamespaceFanout final : public Controller {
 public:
  /// `client` must outlive this.
  NamespaceFanout(client::Client& client, FanoutSpec spec);
  ~NamespaceFanout();
  NamespaceFanout(const NamespaceFanout&) = delete;
  NamespaceFanout& operator=(const NamespaceFanout&) = delete;

  /// Lists namespaces and objects, then reconciles on its own thread.
  Status Start(std::chrono::milliseconds sync_timeout) override;
  void Stop() override;

 private:
  void Enqueue(const std::string& name_space);
  void Run();
  /// OK when the namespace holds the object as wanted (or is gone or terminating).
  Status Reconcile(const std::string& name_space);

  client::Client& client_;
  const FanoutSpec spec_;
  std::unique_ptr<client::Informer> namespaces_;
  std::unique_ptr<client::Informer> objects_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::set<std::string> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::controllers
