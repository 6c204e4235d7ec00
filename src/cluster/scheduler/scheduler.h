// The scheduler: watches pods and nodes through the API, places each pending pod of
// "default-scheduler" on a node that fits it (pods/binding, then a Scheduled event), and
// reports the ones that fit nowhere (a FailedScheduling event and PodScheduled=False),
// retrying them when the cluster changes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/client/client.h"
#include "cluster/client/event_recorder.h"
#include "cluster/client/informer.h"
#include "cluster/scheduler/framework.h"
#include "cluster/scheduler/queue.h"
#include "common/status.h"
#include "common/thread_pool.h"

namespace mini::cluster::scheduler {

// Bindings in flight at once: each mostly waits for its commit.
inline constexpr int kBinders = 4;

struct SchedulerOptions {
  /// reportingInstance of the events, "default-scheduler-<hostname>".
  std::string instance = "default-scheduler";
  QueueOptions queue;
  std::chrono::milliseconds sync_timeout{30000};
};

class Scheduler {
 public:
  Scheduler(std::shared_ptr<client::Transport> transport, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Lists pods and nodes, then starts scheduling on its own thread. kDeadlineExceeded when
  /// the first lists did not arrive within the sync timeout (nothing keeps running then).
  Status Start();
  /// Stops scheduling and the watches; idempotent.
  void Stop();

 private:
  void Run();
  void ScheduleOne(const std::string& key);
  /// Counts `pod` on `node` in the next decisions, until the informer shows it bound.
  void Assume(const boost::json::object& pod, const std::string& node);
  /// On a binder thread: the Binding and the Scheduled event; false (the assumption
  /// forgotten) when the API refused it.
  bool Bind(const boost::json::object& pod, const std::string& node);
  void ReportUnschedulable(const boost::json::object& pod, const std::string& message);
  std::vector<NodeInfo> Snapshot() const;
  void RecordEvent(const boost::json::object& pod, client::EventRecord event);

  void OnPodAdd(const boost::json::object& pod);
  void OnPodUpdate(const boost::json::object& old, const boost::json::object& now);
  void OnPodDelete(const boost::json::object& pod);
  void OnNodeChange(const boost::json::object* old, const boost::json::object& now);

  const SchedulerOptions options_;
  client::Client client_;
  client::EventRecorder events_;
  SchedulingQueue queue_;
  const std::vector<FilterPluginPtr> filters_;
  const std::vector<ScorePluginPtr> scorers_;
  std::unique_ptr<client::Informer> pods_;
  std::unique_ptr<client::Informer> nodes_;

  // Pods bound by this scheduler that the pod informer has not shown bound yet, so the next
  // decision counts them ("namespace/name" -> the pod with spec.nodeName set).
  mutable std::mutex assumed_mutex_;
  std::map<std::string, boost::json::object> assumed_;

  std::thread thread_;
  bool started_ = false;
  // Destroyed first: its threads finish the bindings in progress while everything above,
  // which they use, still exists.
  ThreadPool binder_{kBinders, "mini-binder"};
};

}  // namespace mini::cluster::scheduler
