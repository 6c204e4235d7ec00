// The parts of PodWorker that follow a container while it runs: its lifecycle hooks, its
// probes and the kill a failed liveness or startup probe asks for, and what it leaves behind
// when it exits (its termination message). Hooks and kills run in the background: a preStop
// hook or a grace period can take minutes, and the pod manager's loop serves every pod.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/kubelet/pods/pod_worker.h"
#include "cluster/kubelet/pods/termination_message.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::IntAt;
using registry::ObjectAt;
using registry::StringAt;
using runtime::containers::ContainerState;

namespace {

constexpr int64_t kDefaultGraceSeconds = 30;

std::chrono::milliseconds GraceOf(const json::object& pod) {
  return std::chrono::seconds(
      std::max<int64_t>(0, IntAt(pod, "spec.terminationGracePeriodSeconds", kDefaultGraceSeconds)));
}

std::optional<prober::Action> HookOf(const json::object& spec, std::string_view hook) {
  const json::object* lifecycle = ObjectAt(spec, "lifecycle");
  const json::object* handler = lifecycle ? ObjectAt(*lifecycle, hook) : nullptr;
  if (!handler) return std::nullopt;
  auto action = prober::ParseAction(*handler, spec);
  if (!action.ok()) {
    spdlog::warn("the {} hook of container {} is ignored: {}", hook, StringAt(spec, "name"),
                 action.status().message());
    return std::nullopt;
  }
  return *action;
}

prober::ContainerProbeSpecs ProbesOf(const json::object& spec) {
  prober::ContainerProbeSpecs specs;
  for (auto [key, slot] :
       {std::pair{"startupProbe", &specs.startup}, std::pair{"livenessProbe", &specs.liveness},
        std::pair{"readinessProbe", &specs.readiness}}) {
    const json::object* probe = ObjectAt(spec, key);
    if (!probe) continue;
    auto parsed = prober::ParseProbe(*probe, spec);
    if (parsed.ok()) {
      *slot = std::move(*parsed);
    } else {
      // Read on every sync: said once per container would need state for little gain.
      spdlog::debug("the {} of container {} is ignored: {}", key, StringAt(spec, "name"),
                    parsed.status().message());
    }
  }
  return specs;
}

// The spec of the pod's container or init container `name`.
const json::object* SpecOf(const json::object& pod, const std::string& name) {
  const json::object* spec = ObjectAt(pod, "spec");
  for (const char* key : {"containers", "initContainers"}) {
    const json::value* list = spec ? spec->if_contains(key) : nullptr;
    if (!list || !list->is_array()) continue;
    for (const json::value& item : list->get_array()) {
      if (item.is_object() && StringAt(item.get_object(), "name") == name)
        return &item.get_object();
    }
  }
  return nullptr;
}

// When the container started, on the steady clock the prober schedules by.
prober::Clock::time_point StartedOnSteadyClock(const ContainerState& state) {
  auto now = prober::Clock::now();
  auto started = mini::api::meta::ParseRfc3339(state.started_at);
  if (!started.ok()) return now;
  auto ago = std::chrono::system_clock::now() - *started;
  return ago.count() > 0 ? now - std::chrono::duration_cast<prober::Clock::duration>(ago) : now;
}

}  // namespace

ProbeGates ProbeGatesOf(const json::object& pod, const std::string& container) {
  ProbeGates gates;
  if (const json::object* spec = SpecOf(pod, container)) {
    prober::ContainerProbeSpecs specs = ProbesOf(*spec);
    gates.startup = specs.startup.has_value();
    gates.readiness = specs.readiness.has_value();
  }
  return gates;
}

Status StopContainer(runtime::containers::ContainerManager& containers,
                     prober::ActionRunner* actions, const std::optional<prober::Action>& pre_stop,
                     const prober::ActionTarget& target, std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto state = containers.State(target.container_id);
  bool running = state.ok() && state->phase == ContainerState::Phase::kRunning;
  // No grace, no hook: the node is going down, or the pod is deleted with --grace-period=0.
  if (pre_stop && actions && running && grace.count() > 0) {
    prober::ActionResult hook = actions->Run(*pre_stop, target, grace);
    if (!hook.success) {
      spdlog::warn("the preStop hook of container {} failed: {}", target.container_id,
                   hook.message);
    }
  }
  // What the hook left of the grace period is the signal's.
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return containers.Stop(target.container_id, std::max(left, std::chrono::milliseconds(0)));
}

void PodWorker::AfterStart(const json::object& pod, const json::object& spec, Container& c) {
  c.pre_stop = HookOf(spec, "preStop");
  c.hooks_of = c.id;
  c.hook_container = StringAt(spec, "name");
  std::optional<prober::Action> post_start = HookOf(spec, "postStart");
  if (!post_start || !node_.actions) return;
  auto* containers = node_.containers;
  auto* actions = node_.actions;
  prober::ActionTarget target{c.id, sandbox_->ip};
  auto grace = GraceOf(pod);
  std::string name = StringAt(spec, "name");
  // Bounded by the grace period, so a hook that hangs cannot hold the container forever.
  c.background = std::async(std::launch::async, [=, pre_stop = c.pre_stop]() -> std::string {
    prober::ActionResult hook = actions->Run(*post_start, target, grace);
    if (hook.success) return "";
    std::string why = fmt::format("PostStartHook failed: {}", hook.message);
    spdlog::warn("FailedPostStartHook: container {}: {}", name, why);
    (void)StopContainer(*containers, actions, pre_stop, target, grace);
    return why;
  });
}

bool PodWorker::Busy(Container& c) {
  if (!c.background.valid()) return false;
  if (c.background.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return true;
  std::string error = c.background.get();
  if (error.starts_with("PostStartHook failed")) {
    Event(c.hook_container, "Warning", "FailedPostStartHook", error);
  }
  if (!error.empty()) {  // shown as the instance's termination message
    c.message_of = c.id;
    c.termination_message = std::move(error);
  }
  return false;
}

void PodWorker::Supervise(const json::object& pod, const json::object& spec, Container& c,
                          const ContainerState& state) {
  if (c.hooks_of != c.id) {  // adopted after an agent restart
    c.pre_stop = HookOf(spec, "preStop");
    c.hooks_of = c.id;
  }
  if (!node_.prober) return;
  const std::string name = StringAt(spec, "name");
  std::optional<prober::ProbeVerdict> verdict = node_.prober->Verdict(uid_, name, c.id);
  if (!verdict) {
    prober::ContainerProbeSpecs specs = ProbesOf(spec);
    if (!specs.empty()) {
      node_.prober->Watch(uid_, name, c.id, std::move(specs), {c.id, sandbox_->ip},
                          StartedOnSteadyClock(state));
    }
    return;
  }
  if (verdict->failed_runs > c.probe_failures_reported) {
    c.probe_failures_reported = verdict->failed_runs;
    Event(name, "Warning", "Unhealthy", verdict->last_failure);
  }
  if (!verdict->kill_reason) return;
  spdlog::info("container {} of pod {}: {}; killing it", name, StringAt(pod, "metadata.name"),
               *verdict->kill_reason);
  bool startup = verdict->kill_reason->starts_with("Startup");
  Event(name, "Normal", "Killing",
        fmt::format("Container {} failed {} probe, will be restarted", name,
                    startup ? "startup" : "liveness"));
  KillInBackground(c, verdict->kill_grace.count() >= 0 ? verdict->kill_grace : GraceOf(pod));
}

void PodWorker::KillInBackground(Container& c, std::chrono::milliseconds grace) {
  auto* containers = node_.containers;
  auto* actions = node_.actions;
  prober::ActionTarget target{c.id, sandbox_->ip};
  c.background = std::async(std::launch::async, [=, pre_stop = c.pre_stop]() -> std::string {
    if (Status stopped = StopContainer(*containers, actions, pre_stop, target, grace);
        !stopped.ok()) {
      spdlog::warn("killing container {}: {}", target.container_id, stopped.message());
    }
    return "";
  });
}

void PodWorker::CaptureExit(const json::object& pod, const std::string& name, Container& c,
                            const ContainerState& state) {
  if (c.message_of == c.id || !sandbox_) return;
  c.message_of = c.id;
  const json::object* spec = SpecOf(pod, name);
  bool fallback = spec && StringAt(*spec, "terminationMessagePolicy") == "FallbackToLogsOnError";
  c.termination_message =
      TerminationMessage(sandbox_->dir / "containers" / name / "termination-log",
                         LogPath(pod, name, c.restarts), fallback, state.exit_code != 0);
}

}  // namespace mini::cluster::kubelet::pods
