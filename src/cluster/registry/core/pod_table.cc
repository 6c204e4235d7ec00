// The rows of `kubectl get pods`, computed the way upstream's printer reads a pod's status.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

using TimePoint = std::chrono::system_clock::time_point;

const json::object* StateOf(const json::object& status, const char* state) {
  const json::object* current = ObjectField(status, "state");
  return current ? ObjectField(*current, state) : nullptr;
}

// When the container last finished before its current run, if it has restarted.
std::optional<TimePoint> LastTermination(const json::object& status) {
  const json::object* last = ObjectField(status, "lastState");
  const json::object* terminated = last ? ObjectField(*last, "terminated") : nullptr;
  if (terminated == nullptr) return std::nullopt;
  auto time = mini::api::meta::ParseRfc3339(StringField(*terminated, "finishedAt"));
  if (!time.ok()) return std::nullopt;
  return *time;
}

bool HasCondition(const json::object& status, std::string_view type) {
  const json::array* conditions = ArrayField(status, "conditions");
  if (conditions == nullptr) return false;
  for (const json::value& condition : *conditions) {
    if (condition.is_object() && StringField(condition.get_object(), "type") == type &&
        StringField(condition.get_object(), "status") == "True") {
      return true;
    }
  }
  return false;
}

bool IsRestartableInit(const json::object* container) {
  return container != nullptr && StringField(*container, "restartPolicy") == "Always";
}

std::string TerminatedReason(const json::object& terminated, std::string_view prefix) {
  std::string reason = StringField(terminated, "reason");
  if (!reason.empty()) return std::string(prefix) + reason;
  int64_t signal = 0;
  IntField(terminated, "signal", signal);
  if (signal != 0) return fmt::format("{}Signal:{}", prefix, signal);
  int64_t code = 0;
  IntField(terminated, "exitCode", code);
  return fmt::format("{}ExitCode:{}", prefix, code);
}

struct Summary {
  std::string reason;
  int ready = 0;
  int total = 0;
  int64_t restarts = 0;
  std::optional<TimePoint> last_restart;
};

void NoteRestart(std::optional<TimePoint>& latest, std::optional<TimePoint> time) {
  if (time && (!latest || *time > *latest)) latest = time;
}

Summary Summarize(const json::object& pod) {
  static const json::object kEmpty;
  const json::object* spec_ptr = ObjectField(pod, "spec");
  const json::object* status_ptr = ObjectField(pod, "status");
  const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
  const json::object& status = status_ptr ? *status_ptr : kEmpty;

  Summary out;
  const json::array* containers = ArrayField(spec, "containers");
  const json::array* init_containers = ArrayField(spec, "initContainers");
  out.total = containers ? static_cast<int>(containers->size()) : 0;
  std::string phase = StringField(status, "phase");
  out.reason = StringField(status, "reason", phase);
  const json::array* conditions = ArrayField(status, "conditions");
  if (conditions) {
    for (const json::value& condition : *conditions) {
      if (condition.is_object() && StringField(condition.get_object(), "type") == "PodScheduled" &&
          StringField(condition.get_object(), "reason") == "SchedulingGated") {
        out.reason = "SchedulingGated";
      }
    }
  }

  std::map<std::string, const json::object*> init_specs;
  if (init_containers) {
    for (const json::value& container : *init_containers) {
      if (!container.is_object()) continue;
      init_specs[StringField(container.get_object(), "name")] = &container.get_object();
      if (IsRestartableInit(&container.get_object())) ++out.total;
    }
  }

  int64_t sidecar_restarts = 0;
  std::optional<TimePoint> sidecar_last_restart;
  bool initializing = false;
  const json::array* init_statuses = ArrayField(status, "initContainerStatuses");
  size_t init_count = init_containers ? init_containers->size() : 0;
  if (init_statuses) {
    for (size_t i = 0; i < init_statuses->size(); ++i) {
      if (!(*init_statuses)[i].is_object()) continue;
      const json::object& container = (*init_statuses)[i].get_object();
      int64_t count = 0;
      IntField(container, "restartCount", count);
      out.restarts += count;
      NoteRestart(out.last_restart, LastTermination(container));
      auto spec_it = init_specs.find(StringField(container, "name"));
      bool restartable = spec_it != init_specs.end() && IsRestartableInit(spec_it->second);
      if (restartable) {
        sidecar_restarts += count;
        NoteRestart(sidecar_last_restart, LastTermination(container));
      }
      const json::object* terminated = StateOf(container, "terminated");
      const json::object* waiting = StateOf(container, "waiting");
      int64_t exit_code = 0;
      if (terminated) IntField(*terminated, "exitCode", exit_code);
      if (terminated && exit_code == 0) continue;
      if (restartable && BoolField(container, "started")) {
        if (BoolField(container, "ready")) ++out.ready;
        continue;
      }
      if (terminated) {
        out.reason = TerminatedReason(*terminated, "Init:");
      } else if (waiting && !StringField(*waiting, "reason").empty() &&
                 StringField(*waiting, "reason") != "PodInitializing") {
        out.reason = "Init:" + StringField(*waiting, "reason");
      } else {
        out.reason = fmt::format("Init:{}/{}", i, init_count);
      }
      initializing = true;
      break;
    }
  }

  if (!initializing || HasCondition(status, "Initialized")) {
    out.restarts = sidecar_restarts;
    out.last_restart = sidecar_last_restart;
    bool has_running = false;
    const json::array* statuses = ArrayField(status, "containerStatuses");
    for (size_t n = statuses ? statuses->size() : 0; n > 0; --n) {
      if (!(*statuses)[n - 1].is_object()) continue;
      const json::object& container = (*statuses)[n - 1].get_object();
      int64_t count = 0;
      IntField(container, "restartCount", count);
      out.restarts += count;
      NoteRestart(out.last_restart, LastTermination(container));
      const json::object* waiting = StateOf(container, "waiting");
      const json::object* terminated = StateOf(container, "terminated");
      if (waiting && !StringField(*waiting, "reason").empty()) {
        out.reason = StringField(*waiting, "reason");
      } else if (terminated) {
        out.reason = TerminatedReason(*terminated, "");
      } else if (BoolField(container, "ready") && StateOf(container, "running")) {
        has_running = true;
        ++out.ready;
      }
    }
    // A pod whose main container finished while a sidecar still runs is not "Completed".
    if (out.reason == "Completed" && has_running) {
      out.reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
    }
  }

  const json::object* metadata = ObjectField(pod, "metadata");
  bool deleting = metadata && metadata->contains("deletionTimestamp") &&
                  !metadata->at("deletionTimestamp").is_null();
  if (deleting && StringField(status, "reason") == "NodeLost") {
    out.reason = "Unknown";
  } else if (deleting && phase != "Succeeded" && phase != "Failed") {
    out.reason = "Terminating";
  }
  return out;
}

}  // namespace

std::string PodStatusReason(const json::object& pod) { return Summarize(pod).reason; }

std::vector<Column> PodColumns() {
  return {
      {"Name", "string", "name", "Name must be unique within a namespace.", 0},
      {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.",
       0},
      {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
      {"Restarts", "string", "",
       "The number of times the containers in this pod have been restarted and when the last "
       "container in this pod has restarted.",
       0},
      {"Age", "string", "", "Time since the pod was created.", 0},
      {"IP", "string", "", "The IP address allocated to the pod.", 1},
      {"Node", "string", "", "The node the pod runs on.", 1},
      {"Nominated Node", "string", "", "The node the scheduler would preempt pods on for this one.",
       1},
      {"Readiness Gates", "string", "", "Extra conditions the pod needs to be ready.", 1},
  };
}

json::array PodCells(const json::object& pod, std::chrono::system_clock::time_point now) {
  Summary summary = Summarize(pod);
  std::string restarts = std::to_string(summary.restarts);
  if (summary.restarts != 0 && summary.last_restart) {
    restarts =
        fmt::format("{} ({} ago)", summary.restarts, HumanDuration(now - *summary.last_restart));
  }
  static const json::object kEmpty;
  const json::object* spec_ptr = ObjectField(pod, "spec");
  const json::object* status_ptr = ObjectField(pod, "status");
  const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
  const json::object& status = status_ptr ? *status_ptr : kEmpty;

  std::string ip;
  if (const json::array* ips = ArrayField(status, "podIPs");
      ips && !ips->empty() && (*ips)[0].is_object()) {
    ip = StringField((*ips)[0].get_object(), "ip");
  }
  std::string node = StringField(spec, "nodeName");
  std::string nominated = StringField(status, "nominatedNodeName");
  std::string gates = "<none>";
  if (const json::array* readiness = ArrayField(spec, "readinessGates");
      readiness && !readiness->empty()) {
    int satisfied = 0;
    for (const json::value& gate : *readiness) {
      if (gate.is_object() &&
          HasCondition(status, StringField(gate.get_object(), "conditionType"))) {
        ++satisfied;
      }
    }
    gates = fmt::format("{}/{}", satisfied, readiness->size());
  }
  return {json::string(StringAt(pod, "metadata.name")),
          json::string(fmt::format("{}/{}", summary.ready, summary.total)),
          json::string(summary.reason),
          json::string(restarts),
          json::string(Age(pod, now)),
          json::string(ip.empty() ? "<none>" : ip),
          json::string(node.empty() ? "<none>" : node),
          json::string(nominated.empty() ? "<none>" : nominated),
          json::string(gates)};
}

}  // namespace mini::cluster::registry::core
