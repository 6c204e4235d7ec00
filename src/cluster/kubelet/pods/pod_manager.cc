#include "cluster/kubelet/pods/pod_manager.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::IntAt;
using registry::StringAt;

namespace {
constexpr std::chrono::seconds kDefaultGrace{30};
}  // namespace

PodManager::PodManager(client::Client& client, PodManagerOptions options)
    : client_(client), options_(std::move(options)) {
  NodeServices& services = options_.services;
  if (services.actions == nullptr && services.containers != nullptr) {
    actions_ = std::make_unique<prober::NodeActionRunner>(*services.containers);
    services.actions = actions_.get();
  }
  if (services.prober == nullptr && services.actions != nullptr) {
    prober_ = std::make_unique<prober::Prober>(*services.actions);
    services.prober = prober_.get();
  }
}

PodManager::~PodManager() { Stop(); }

Status PodManager::Start() {
  Adopt();
  client::ListOptions selector;
  selector.field_selector = "spec.nodeName=" + options_.node_name;
  auto poke = [this](const json::object&) {
    std::lock_guard lock(mutex_);
    dirty_ = true;
    wake_.notify_all();
  };
  informer_ = std::make_unique<client::Informer>(
      client_, client::resources::kPods, "", selector,
      client::InformerHandlers{poke, [poke](const json::object&, const json::object& now) { poke(now); },
                               poke});
  informer_->Start();
  if (!informer_->WaitForSync(std::chrono::seconds(10))) {
    return Status(Code::kUnavailable, "the pods of this node could not be listed");
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void PodManager::Adopt() {
  for (const std::string& id : options_.services.containers->List()) {
    auto state = options_.services.containers->State(id);
    if (!state.ok()) continue;
    const std::string uid = state->labels["io.kubernetes.pod.uid"];
    if (uid.empty()) continue;
    auto& worker = workers_[uid];
    if (!worker) worker = std::make_unique<PodWorker>(options_.services, uid);
    worker->Adopt(state->labels["io.kubernetes.container.name"], id,
                  std::atoi(state->labels["io.kubernetes.container.restartCount"].c_str()));
  }
}

void PodManager::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (informer_) informer_->Stop();
  // The node is going down: its containers go with it (the kill also cuts short the grace
  // periods of pods being deleted) and the pods start afresh with the node.
  auto& containers = *options_.services.containers;
  for (const std::string& id : containers.List()) (void)containers.Stop(id, std::chrono::milliseconds(0));
  for (auto& pending : terminating_) pending.wait();
  terminating_.clear();
  for (auto& [uid, worker] : workers_) (void)worker->Terminate(std::chrono::milliseconds(0));
  workers_.clear();
  for (const std::string& id : containers.List()) (void)containers.Remove(id);
}

void PodManager::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    dirty_ = false;
    lock.unlock();
    SyncAll();
    lock.lock();
    wake_.wait_for(lock, options_.resync, [this] { return stopping_ || dirty_; });
  }
}

void PodManager::SyncAll() {
  std::set<std::string> present;
  for (const json::object& pod : informer_->Objects()) {
    const std::string uid = StringAt(pod, "metadata.uid");
    present.insert(uid);
    grace_[uid] = std::chrono::seconds(IntAt(pod, "spec.terminationGracePeriodSeconds", kDefaultGrace.count()));
    std::string phase = StringAt(pod, "status.phase");
    auto& worker = workers_[uid];
    if (!worker) worker = std::make_unique<PodWorker>(options_.services, uid);
    // A finished pod never runs again, not even after the node restarts.
    if (phase == "Succeeded" || phase == "Failed") continue;
    json::object status = worker->Sync(pod);
    if (reported_[uid] == status) continue;
    json::object patch{{"status", status}};
    auto written = client_.Patch(client::resources::kPods, StringAt(pod, "metadata.namespace"),
                                 StringAt(pod, "metadata.name"), patch, "status");
    if (written.ok()) {
      reported_[uid] = std::move(status);
    } else if (written.status().code() != Code::kNotFound) {
      spdlog::warn("writing the status of pod {}: {}", StringAt(pod, "metadata.name"),
                   written.status().message());
    }
  }
  // Pods that are gone: stop their containers in the background, each with its grace period.
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (present.contains(it->first)) {
      ++it;
      continue;
    }
    auto grace = grace_.contains(it->first) ? grace_[it->first] : std::chrono::milliseconds(kDefaultGrace);
    std::shared_ptr<PodWorker> worker(std::move(it->second));
    terminating_.push_back(std::async(std::launch::async, [worker, grace] {
      if (Status done = worker->Terminate(grace); !done.ok()) {
        spdlog::warn("stopping a deleted pod's containers: {}", done.message());
      }
    }));
    reported_.erase(it->first);
    grace_.erase(it->first);
    it = workers_.erase(it);
  }
}

}  // namespace mini::cluster::kubelet::pods
