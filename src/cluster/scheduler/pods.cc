#include "cluster/scheduler/pods.h"

#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler {
using registry::StringAt;

std::string PodKey(const boost::json::object& pod) {
  return StringAt(pod, "metadata.namespace") + "/" + StringAt(pod, "metadata.name");
}

bool IsTerminal(const boost::json::object& pod) {
  std::string phase = StringAt(pod, "status.phase");
  return phase == "Succeeded" || phase == "Failed";
}

bool NeedsScheduling(const boost::json::object& pod) {
  // The API server defaults schedulerName; an empty one is ours all the same.
  std::string scheduler = StringAt(pod, "spec.schedulerName", kSchedulerName);
  return StringAt(pod, "spec.nodeName").empty() && scheduler == kSchedulerName &&
         StringAt(pod, "metadata.deletionTimestamp").empty() && !IsTerminal(pod);
}

bool OccupiesNode(const boost::json::object& pod) {
  return !StringAt(pod, "spec.nodeName").empty() && !IsTerminal(pod);
}

}  // namespace mini::cluster::scheduler
