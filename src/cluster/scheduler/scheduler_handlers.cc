// The scheduler's reactions to the watched pods and nodes: what enters the queue and which
// changes may let waiting pods fit.
#include <boost/json.hpp>

#include "cluster/registry/printing.h"
#include "cluster/scheduler/pods.h"
#include "cluster/scheduler/resources.h"
#include "cluster/scheduler/scheduler.h"

namespace mini::cluster::scheduler {
namespace json = boost::json;
namespace {

const json::value* At(const json::object& object, std::string_view path) {
  auto dot = path.rfind('.');
  const json::object* parent =
      dot == std::string_view::npos ? &object : registry::ObjectAt(object, path.substr(0, dot));
  return parent != nullptr ? parent->if_contains(path.substr(dot + 1)) : nullptr;
}

bool Differs(const json::object& a, const json::object& b, std::string_view path) {
  const json::value* x = At(a, path);
  const json::value* y = At(b, path);
  return x == nullptr || y == nullptr ? x != y : *x != *y;
}

// Status writes (ours included) and heartbeats do not change whether a pod fits.
bool PodChanged(const json::object& old, const json::object& now) {
  return Differs(old, now, "spec") || Differs(old, now, "metadata.labels") ||
         Differs(old, now, "metadata.annotations");
}

// What a node offers a pod; conditions' heartbeats are left out on purpose.
bool NodeChanged(const json::object& old, const json::object& now) {
  return Differs(old, now, "spec") || Differs(old, now, "metadata.labels") ||
         Differs(old, now, "status.allocatable");
}

}  // namespace

void Scheduler::OnPodAdd(const json::object& pod) {
  if (NeedsScheduling(pod)) {
    queue_.Add(PodKey(pod));
  } else if (OccupiesNode(pod)) {
    std::lock_guard lock(assumed_mutex_);
    assumed_.erase(PodKey(pod));
  }
}

void Scheduler::OnPodUpdate(const json::object& old, const json::object& now) {
  std::string key = PodKey(now);
  if (NeedsScheduling(now)) {
    if (!NeedsScheduling(old) || PodChanged(old, now)) {
      queue_.Add(key);
    }
    return;
  }
  queue_.Delete(key);
  if (OccupiesNode(now)) {
    std::lock_guard lock(assumed_mutex_);
    assumed_.erase(key);
  }
  // A pod that finished, or asks for less, leaves room on its node.
  bool freed = OccupiesNode(old) && (!OccupiesNode(now) || !(PodRequests(old) == PodRequests(now)));
  if (freed) {
    queue_.MoveAllToActive();
  }
}

void Scheduler::OnPodDelete(const json::object& pod) {
  std::string key = PodKey(pod);
  queue_.Delete(key);
  {
    std::lock_guard lock(assumed_mutex_);
    assumed_.erase(key);
  }
  if (OccupiesNode(pod)) {
    queue_.MoveAllToActive();
  }
}

void Scheduler::OnNodeChange(const json::object* old, const json::object& now) {
  if (old == nullptr || NodeChanged(*old, now)) {
    queue_.MoveAllToActive();
  }
}

}  // namespace mini::cluster::scheduler
