#include "cluster/kubelet/pods/pod_status.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::ObjectAt;
using registry::StringAt;
using runtime::containers::ContainerState;

namespace {

const json::array& List(const json::object& pod, std::string_view key) {
  static const json::array kNone;
  const json::object* spec = ObjectAt(pod, "spec");
  const json::value* list = spec ? spec->if_contains(key) : nullptr;
  return list && list->is_array() ? list->get_array() : kNone;
}

std::string Seconds(const std::string& stamp) {
  return stamp.size() >= 19 ? stamp.substr(0, 19) + "Z" : stamp;
}

// One container's status, and facts the pod's phase and conditions are computed from.
struct Summary {
  json::object status;
  bool running = false;
  bool ready = false;
  bool exited = false;
  int exit_code = 0;
};

Summary Summarize(const json::object& spec, const ContainerObservation* o, bool init) {
  Summary s;
  const std::string name = StringAt(spec, "name");
  json::object state;
  json::object last = o && o->last_state ? *o->last_state : json::object();
  if (o && o->state && o->state->phase == ContainerState::Phase::kRunning) {
    s.running = true;
    state["running"] = json::object{{"startedAt", o->state->started_at}};
  } else if (o && o->state && o->state->phase == ContainerState::Phase::kExited) {
    json::object terminated =
        TerminatedState(*o->state, o->id, o->start_error, o->termination_message);
    if (o->waiting_reason == "CrashLoopBackOff") {
      state["waiting"] = json::object{{"reason", o->waiting_reason}, {"message", o->waiting_message}};
      last = std::move(terminated);
    } else {
      state = std::move(terminated);
      s.exited = true;
      s.exit_code = o->state->exit_code;
    }
  } else {
    json::object waiting{{"reason", o && !o->waiting_reason.empty() ? o->waiting_reason
                                                                      : std::string(init ? "PodInitializing" : "ContainerCreating")}};
    if (o && !o->waiting_message.empty()) waiting["message"] = o->waiting_message;
    state["waiting"] = std::move(waiting);
  }
  bool completed = s.exited && s.exit_code == 0;
  s.ready = init ? completed : s.running && o->ready;
  s.status = json::object{{"name", name},
                          {"state", std::move(state)},
                          {"lastState", std::move(last)},
                          {"ready", s.ready},
                          {"restartCount", o ? o->restarts : 0},
                          {"image", StringAt(spec, "image")},
                          {"imageID", o && o->state ? o->state->image_id : ""},
                          {"started", s.running && o->started}};
  if (o && !o->id.empty()) s.status["containerID"] = "mini://" + o->id;
  return s;
}

// Restarts the policy still allows for an exited container.
bool WillRestart(const Summary& s, const std::string& policy, bool init) {
  if (!s.exited) return false;
  if (init) return policy != "Never" && s.exit_code != 0;
  return policy == "Always" || (policy == "OnFailure" && s.exit_code != 0);
}

json::object Condition(const json::object& pod, std::string type, bool status, std::string reason,
                       std::string message) {
  std::string value = status ? "True" : "False";
  std::string since = mini::api::meta::Rfc3339Now();
  if (const json::object* old = ObjectAt(pod, "status")) {
    if (const json::value* list = old->if_contains("conditions"); list && list->is_array()) {
      for (const json::value& c : list->get_array()) {
        if (c.is_object() && StringAt(c.get_object(), "type") == type &&
            StringAt(c.get_object(), "status") == value) {
          since = StringAt(c.get_object(), "lastTransitionTime");
        }
      }
    }
  }
  json::object condition{{"type", type}, {"status", value}, {"lastProbeTime", nullptr},
                         {"lastTransitionTime", since}};
  if (!reason.empty()) condition["reason"] = reason;
  if (!message.empty()) condition["message"] = message;
  return condition;
}

std::string Bracketed(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : " ") + name;
  return "[" + text + "]";
}

}  // namespace

json::object TerminatedState(const ContainerState& state, const std::string& id,
                             const std::string& start_error, const std::string& message) {
  std::string reason = !start_error.empty() ? "StartError"
                       : state.oom_killed   ? "OOMKilled"
                       : state.exit_code == 0 ? "Completed"
                                              : "Error";
  json::object terminated{{"exitCode", state.exit_code},
                          {"reason", reason},
                          {"startedAt", state.started_at.empty() ? json::value(nullptr) : json::value(Seconds(state.started_at))},
                          {"finishedAt", state.finished_at.empty() ? json::value(nullptr) : json::value(Seconds(state.finished_at))},
                          {"containerID", "mini://" + id}};
  if (!start_error.empty()) {
    terminated["message"] = start_error;
  } else if (!message.empty()) {
    terminated["message"] = message;
  }
  return json::object{{"terminated", std::move(terminated)}};
}

std::string QosClass(const json::object& pod) {
  bool any = false;
  bool guaranteed = true;
  for (std::string_view key : {"initContainers", "containers"}) {
    for (const json::value& item : List(pod, key)) {
      if (!item.is_object()) continue;
      const json::object* requests = ObjectAt(item.get_object(), "resources.requests");
      const json::object* limits = ObjectAt(item.get_object(), "resources.limits");
      for (const char* resource : {"cpu", "memory"}) {
        const json::value* request = requests ? requests->if_contains(resource) : nullptr;
        const json::value* limit = limits ? limits->if_contains(resource) : nullptr;
        if (request || limit) any = true;
        if (!limit) {
          guaranteed = false;
        } else if (request) {
          auto a = registry::core::QuantityOf(*request);
          auto b = registry::core::QuantityOf(*limit);
          if (!a || !b || registry::core::CompareQuantities(*a, *b) != 0) guaranteed = false;
        }
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

json::object ComputePodStatus(const json::object& pod, const PodObservation& observed) {
  std::string policy = StringAt(pod, "spec.restartPolicy");
  if (policy.empty()) policy = "Always";
  auto observation = [&](const json::object& spec) -> const ContainerObservation* {
    auto it = observed.containers.find(StringAt(spec, "name"));
    return it == observed.containers.end() ? nullptr : &it->second;
  };

  json::array init_statuses, statuses;
  std::vector<std::string> incomplete, unready;
  bool init_failed = false;
  for (const json::value& item : List(pod, "initContainers")) {
    if (!item.is_object()) continue;
    Summary s = Summarize(item.get_object(), observation(item.get_object()), true);
    if (!(s.exited && s.exit_code == 0)) incomplete.push_back(StringAt(item.get_object(), "name"));
    if (s.exited && s.exit_code != 0 && !WillRestart(s, policy, true)) init_failed = true;
    init_statuses.push_back(std::move(s.status));
  }
  int running = 0, succeeded = 0, failed = 0, started_ever = 0, total = 0;
  for (const json::value& item : List(pod, "containers")) {
    if (!item.is_object()) continue;
    const ContainerObservation* o = observation(item.get_object());
    Summary s = Summarize(item.get_object(), o, false);
    ++total;
    if (o && (o->state || o->restarts > 0)) ++started_ever;
    if (s.running) ++running;
    if (!s.ready) unready.push_back(StringAt(item.get_object(), "name"));
    if (s.exited && !WillRestart(s, policy, false)) (s.exit_code == 0 ? succeeded : failed)++;
    statuses.push_back(std::move(s.status));
  }

  std::string phase = "Pending";
  if (init_failed || (total > 0 && succeeded + failed == total && failed > 0)) {
    phase = "Failed";
  } else if (total > 0 && succeeded == total) {
    phase = "Succeeded";
  } else if (incomplete.empty() && started_ever > 0) {
    phase = "Running";
  }
  const bool initialized = incomplete.empty();
  const bool ready = initialized && unready.empty() && phase == "Running";
  const bool terminal = phase == "Succeeded" || phase == "Failed";
  std::string unready_reason = terminal ? "PodCompleted" : "ContainersNotReady";
  std::string unready_message =
      terminal ? "" : fmt::format("containers with unready status: {}", Bracketed(unready));

  json::array conditions{
      Condition(pod, "PodReadyToStartContainers", observed.sandbox_ready, "", ""),
      Condition(pod, "Initialized", initialized, initialized ? "" : "ContainersNotInitialized",
                initialized ? "" : fmt::format("containers with incomplete status: {}", Bracketed(incomplete))),
      Condition(pod, "Ready", ready, ready ? "" : unready_reason, ready ? "" : unready_message),
      Condition(pod, "ContainersReady", ready, ready ? "" : unready_reason, ready ? "" : unready_message),
      Condition(pod, "PodScheduled", true, "", "")};
  json::object status{{"phase", phase},
                      {"conditions", std::move(conditions)},
                      {"hostIP", observed.host_ip},
                      {"hostIPs", json::array{json::object{{"ip", observed.host_ip}}}},
                      {"qosClass", QosClass(pod)},
                      {"containerStatuses", std::move(statuses)}};
  if (!observed.start_time.empty()) status["startTime"] = observed.start_time;
  if (!observed.pod_ip.empty()) {
    status["podIP"] = observed.pod_ip;
    status["podIPs"] = json::array{json::object{{"ip", observed.pod_ip}}};
  }
  if (!init_statuses.empty()) status["initContainerStatuses"] = std::move(init_statuses);
  if (!observed.sandbox_error.empty()) {
    status["message"] = observed.sandbox_error;
    status["reason"] = "FailedMount";
  }
  return status;
}

}  // namespace mini::cluster::kubelet::pods
