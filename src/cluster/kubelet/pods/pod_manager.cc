#include "cluster/kubelet/pods/pod_manager.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <algorithm>
#include <set>
#include <utility>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::IntAt;
using registry::ObjectAt;
using registry::StringAt;

namespace {
constexpr std::chrono::seconds kDefaultGrace{30};
// A pod that left the API without being marked for deletion first was deleted at once
// (`kubectl delete --force --grace-period=0`): its containers get the kubelet's shortest grace.
constexpr std::chrono::milliseconds kForcedGrace{2000};
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
  auto poke = [this](const json::object& pod) {
    std::lock_guard lock(mutex_);
    changed_[StringAt(pod, "metadata.uid")] = {StringAt(pod, "metadata.namespace"),
                                               StringAt(pod, "metadata.name")};
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
  for (int i = 0; i < std::max(1, options_.sync_threads); ++i) {
    sync_threads_.emplace_back([this] { RunSyncs(); });
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

PodManager::PodPtr& PodManager::Entry(const std::string& uid) {
  PodPtr& entry = pods_[uid];
  if (!entry) {
    entry = std::make_shared<Pod>();
    entry->grace = kDefaultGrace;  // until the pod is seen: an adopted one may be gone already
    entry->worker = std::make_shared<PodWorker>(options_.services, uid);
  }
  return entry;
}

void PodManager::Adopt() {
  std::lock_guard lock(mutex_);
  for (const std::string& id : options_.services.containers->List()) {
    auto state = options_.services.containers->State(id);
    if (!state.ok()) continue;
    const std::string uid = state->labels["io.kubernetes.pod.uid"];
    if (uid.empty()) continue;
    Entry(uid)->worker->Adopt(state->labels["io.kubernetes.container.name"], id,
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
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (std::thread& thread : sync_threads_) thread.join();
  sync_threads_.clear();
  syncs_.clear();
  if (informer_) informer_->Stop();
  // The node is going down: its containers go with it (the kill also cuts short the grace
  // periods of pods being deleted) and the pods start afresh with the node.
  auto& containers = *options_.services.containers;
  for (const std::string& id : containers.List()) (void)containers.Stop(id, std::chrono::milliseconds(0));
  for (auto& pending : terminating_) pending.wait();
  terminating_.clear();
  for (auto& [uid, entry] : pods_) (void)entry->worker->Terminate(std::chrono::milliseconds(0));
  pods_.clear();
  for (const std::string& id : containers.List()) (void)containers.Remove(id);
}

// A pass over every pod each resync period (containers exit, probes and back-offs come due,
// mounted ConfigMaps change without a pod changing); in between, passes over just the pods
// whose objects changed, so a burst of pod writes costs work per change, not per pod.
void PodManager::Loop() {
  std::unique_lock lock(mutex_);
  auto next_full = std::chrono::steady_clock::now();
  while (!stopping_) {
    const bool full = std::chrono::steady_clock::now() >= next_full;
    Changes changed = std::exchange(changed_, {});
    dirty_ = false;
    lock.unlock();
    SyncPods(full ? nullptr : &changed);
    lock.lock();
    if (full) next_full = std::chrono::steady_clock::now() + options_.resync;
    wake_.wait_until(lock, next_full, [this] { return stopping_ || dirty_; });
  }
}

void PodManager::RunSyncs() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [this] { return stopping_ || !syncs_.empty(); });
    if (stopping_) return;
    std::function<void()> sync = std::move(syncs_.front());
    syncs_.pop_front();
    lock.unlock();
    sync();
    lock.lock();
  }
}

void PodManager::SyncPod(const PodPtr& entry, const json::object& pod) {
  json::object status = entry->worker->Sync(pod);
  if (entry->reported != status) {
    json::object patch{{"status", status}};
    auto written = client_.Patch(client::resources::kPods, StringAt(pod, "metadata.namespace"),
                                 StringAt(pod, "metadata.name"), patch, "status");
    if (written.ok()) {
      entry->reported = std::move(status);
    } else if (written.status().code() != Code::kNotFound) {
      spdlog::warn("writing the status of pod {}: {}", StringAt(pod, "metadata.name"),
                   written.status().message());
    }
  }
  std::lock_guard lock(mutex_);
  entry->syncing = false;
  if (std::exchange(entry->again, false)) {
    changed_[StringAt(pod, "metadata.uid")] = entry->where;
    dirty_ = true;
    wake_.notify_all();
  }
}

void PodManager::Finish(const PodPtr& entry, const json::object& pod) {
  entry->deleting = true;
  const std::string name_space = StringAt(pod, "metadata.namespace");
  const std::string name = StringAt(pod, "metadata.name");
  const std::string uid = StringAt(pod, "metadata.uid");
  // The API server set the period from the request or the pod's terminationGracePeriodSeconds.
  const auto grace = std::chrono::seconds(std::max<int64_t>(
      0, IntAt(pod, "metadata.deletionGracePeriodSeconds",
               std::chrono::duration_cast<std::chrono::seconds>(entry->grace).count())));
  terminating_.push_back(std::async(std::launch::async, [this, entry, name_space, name, uid,
                                                         grace, worker = entry->worker] {
    if (Status stopped = worker->Terminate(grace); !stopped.ok()) {
      spdlog::warn("stopping the containers of pod {}/{}: {}", name_space, name, stopped.message());
    }
    // Only this pod: a new one of the same name may already stand in its place.
    client::DeleteOptions now{.grace_period_seconds = 0, .precondition_uid = uid};
    Status deleted = client_.Delete(client::resources::kPods, name_space, name, now);
    if (!deleted.ok() && deleted.code() != Code::kNotFound && deleted.code() != Code::kConflict) {
      spdlog::warn("deleting pod {}/{}: {}", name_space, name, deleted.message());
      std::lock_guard lock(mutex_);
      entry->deleting = false;  // the next sync tries again
    }
  }));
}

void PodManager::SyncPods(const Changes* changed) {
  std::vector<json::object> pods;  // read outside mutex_: the informer's handlers take it
  std::set<std::string> gone;      // the uids a partial pass found missing
  if (changed == nullptr) {
    pods = informer_->Objects();
  } else {
    for (const auto& [uid, where] : *changed) {
      std::optional<json::object> pod = informer_->Get(where.first, where.second);
      if (!pod || StringAt(*pod, "metadata.uid") != uid) gone.insert(uid);
      if (pod) pods.push_back(std::move(*pod));
    }
  }
  std::lock_guard lock(mutex_);
  std::set<std::string> present;
  for (const json::object& pod : pods) {
    const std::string uid = StringAt(pod, "metadata.uid");
    present.insert(uid);
    PodPtr& entry = Entry(uid);
    entry->where = {StringAt(pod, "metadata.namespace"), StringAt(pod, "metadata.name")};
    entry->grace = std::chrono::seconds(
        IntAt(pod, "spec.terminationGracePeriodSeconds", kDefaultGrace.count()));
    if (entry->syncing) {
      entry->again = true;
      continue;
    }
    if (const json::object* metadata = ObjectAt(pod, "metadata");
        metadata != nullptr && metadata->contains("deletionTimestamp")) {
      if (!entry->deleting) Finish(entry, pod);
      continue;
    }
    // A finished pod never runs again, not even after the node restarts.
    std::string phase = StringAt(pod, "status.phase");
    if (phase == "Succeeded" || phase == "Failed") continue;
    entry->syncing = true;
    syncs_.push_back([this, entry, pod] { SyncPod(entry, pod); });
    work_.notify_one();
  }
  if (changed == nullptr) {
    for (const auto& [uid, entry] : pods_) {
      if (!present.contains(uid)) gone.insert(uid);
    }
  }
  // Pods that are gone: once no sync of theirs runs, stop their containers in the background.
  for (const std::string& uid : gone) {
    auto it = pods_.find(uid);
    if (it == pods_.end() || present.contains(uid)) continue;
    if (it->second->syncing) {
      it->second->again = true;
      continue;
    }
    if (it->second->deleting) {  // its own stop is under way and cleans up
      pods_.erase(it);
      continue;
    }
    std::shared_ptr<PodWorker> worker = std::move(it->second->worker);
    auto grace = std::min<std::chrono::milliseconds>(it->second->grace, kForcedGrace);
    terminating_.push_back(std::async(std::launch::async, [worker, grace] {
      if (Status done = worker->Terminate(grace); !done.ok()) {
        spdlog::warn("stopping a deleted pod's containers: {}", done.message());
      }
    }));
    pods_.erase(it);
  }
  std::erase_if(terminating_, [](std::future<void>& done) {
    return done.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  });
}

}  // namespace mini::cluster::kubelet::pods
