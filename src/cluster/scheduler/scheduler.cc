#include "cluster/scheduler/scheduler.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/registry/printing.h"
#include "cluster/scheduler/algorithm.h"
#include "cluster/scheduler/events.h"
#include "cluster/scheduler/plugins/plugins.h"
#include "cluster/scheduler/pods.h"

namespace mini::cluster::scheduler {
namespace json = boost::json;
using registry::StringAt;

Scheduler::Scheduler(std::shared_ptr<client::Transport> transport, SchedulerOptions options)
    : options_(std::move(options)),
      client_(std::move(transport)),
      events_(client_, {std::string(kSchedulerName), "", options_.instance}),
      queue_(options_.queue),
      filters_(plugins::DefaultFilters()),
      scorers_(plugins::DefaultScorers()) {}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Start() {
  pods_ = std::make_unique<client::Informer>(
      client_, client::resources::kPods, "", client::ListOptions{},
      client::InformerHandlers{
          [this](const json::object& p) { OnPodAdd(p); },
          [this](const json::object& o, const json::object& n) { OnPodUpdate(o, n); },
          [this](const json::object& p) { OnPodDelete(p); }});
  nodes_ = std::make_unique<client::Informer>(
      client_, client::resources::kNodes, "", client::ListOptions{},
      client::InformerHandlers{
          [this](const json::object& n) { OnNodeChange(nullptr, n); },
          [this](const json::object& o, const json::object& n) { OnNodeChange(&o, n); }, nullptr});
  pods_->Start();
  nodes_->Start();
  started_ = true;
  // Deciding before both lists arrived would call pods unschedulable for want of nodes.
  if (!pods_->WaitForSync(options_.sync_timeout) || !nodes_->WaitForSync(options_.sync_timeout)) {
    Stop();
    return Error(Code::kDeadlineExceeded, "the scheduler could not list pods and nodes");
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Scheduler::Stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  queue_.Close();
  if (thread_.joinable()) {
    thread_.join();
  }
  pods_->Stop();
  nodes_->Stop();
}

void Scheduler::Run() {
  while (std::optional<std::string> key = queue_.Pop()) {
    ScheduleOne(*key);
  }
}

void Scheduler::ScheduleOne(const std::string& key) {
  auto slash = key.find('/');
  std::optional<json::object> pod = pods_->Get(key.substr(0, slash), key.substr(slash + 1));
  if (!pod || !NeedsScheduling(*pod)) {
    queue_.Done(key);
    return;
  }
  PodInfo info = MakePodInfo(*pod);
  Decision decision = Schedule(info, Snapshot(), filters_, scorers_);
  if (decision.node.empty()) {
    spdlog::info("scheduler: {} is unschedulable: {}", key, decision.message);
    ReportUnschedulable(*pod, decision.message);
    queue_.Unschedulable(key);
    return;
  }
  Assume(*pod, decision.node);
  // The binding waits for the API server and the datastore; the next pod is decided meanwhile
  // (the assumption makes it count this one), as kube-scheduler binds apart from deciding.
  // The pod stays in flight in the queue until its binding ends.
  binder_.Submit([this, key, pod = std::move(*pod), node = std::move(decision.node)] {
    if (Bind(pod, node)) {
      queue_.Done(key);
    } else {
      queue_.Retry(key);
    }
  });
}

void Scheduler::Assume(const json::object& pod, const std::string& node) {
  json::object assumed = pod;
  assumed["spec"].as_object()["nodeName"] = node;
  std::lock_guard lock(assumed_mutex_);
  assumed_[PodKey(pod)] = std::move(assumed);
}

bool Scheduler::Bind(const json::object& pod, const std::string& node) {
  std::string key = PodKey(pod);
  auto bound = client_.Post(client::resources::kPods, StringAt(pod, "metadata.namespace"),
                            StringAt(pod, "metadata.name"), "binding", MakeBinding(pod, node));
  if (!bound.ok()) {
    spdlog::warn("scheduler: binding {} to {}: {}", key, node, bound.status().message());
    std::lock_guard lock(assumed_mutex_);
    assumed_.erase(key);
    return false;
  }
  RecordEvent(pod, {"Normal", "Scheduled",
                    fmt::format("Successfully assigned {} to {}", key, node), "Binding"});
  return true;
}

void Scheduler::ReportUnschedulable(const json::object& pod, const std::string& message) {
  auto now = std::chrono::system_clock::now();
  RecordEvent(pod, {"Warning", "FailedScheduling", message, "Scheduling"});
  if (std::optional<json::object> patch = UnschedulablePatch(pod, message, now)) {
    auto patched = client_.Patch(client::resources::kPods, StringAt(pod, "metadata.namespace"),
                                 StringAt(pod, "metadata.name"), *patch, "status");
    if (!patched.ok()) {
      spdlog::warn("scheduler: updating the status of {}: {}", PodKey(pod),
                   patched.status().message());
    }
  }
}

void Scheduler::RecordEvent(const json::object& pod, client::EventRecord event) {
  events_.Record(client::ObjectReference::To(pod, "v1", "Pod"), std::move(event));
}

std::vector<NodeInfo> Scheduler::Snapshot() const {
  std::map<std::string, NodeInfo> nodes;
  for (json::object& node : nodes_->Objects()) {
    NodeInfo info = MakeNodeInfo(std::move(node));
    std::string name = info.name;
    nodes.emplace(std::move(name), std::move(info));
  }
  auto add = [&nodes](const json::object& pod) {
    auto node = nodes.find(StringAt(pod, "spec.nodeName"));
    if (node != nodes.end()) {
      AddPod(node->second, pod);
    }
  };
  // Every decision reads every pod: visited in place rather than copied, which had made a
  // burst of pods cost the scheduler time in the square of their number.
  std::set<std::string> seen;
  pods_->ForEach([&](const json::object& pod) {
    if (OccupiesNode(pod)) {
      seen.insert(PodKey(pod));
      add(pod);
    }
  });
  {
    std::lock_guard lock(assumed_mutex_);
    for (const auto& [key, pod] : assumed_) {
      if (!seen.contains(key)) add(pod);  // the informer's copy wins once it has one
    }
  }
  std::vector<NodeInfo> out;
  out.reserve(nodes.size());
  for (auto& [name, info] : nodes) {
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace mini::cluster::scheduler
