#include "cluster/kubelet/pods/pod_worker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <fstream>
#include <system_error>

#include "cluster/api/meta/ids.h"
#include "cluster/kubelet/pods/pod_status.h"
#include "cluster/kubelet/pods/pull_secrets.h"
#include "cluster/kubelet/volumes/empty_dir.h"
#include "cluster/registry/printing.h"
#include "cluster/runtime/image/pull_policy.h"
#include "common/files.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
namespace fs = std::filesystem;
using registry::ObjectAt;
using registry::StringAt;
using runtime::containers::ContainerState;

namespace {

constexpr std::chrono::seconds kFirstBackoff{10};
constexpr std::chrono::seconds kMaxBackoff{300};
// A container that ran this long before it exited starts its back-off afresh.
constexpr std::chrono::minutes kBackoffReset{10};

// How long an exited container ran; zero when its times cannot be read.
std::chrono::system_clock::duration RanFor(const ContainerState& state) {
  auto started = mini::api::meta::ParseRfc3339(state.started_at);
  auto finished = mini::api::meta::ParseRfc3339(state.finished_at);
  if (!started.ok() || !finished.ok()) return {};
  return *finished - *started;
}

const json::array& Containers(const json::object& pod, std::string_view key) {
  static const json::array kNone;
  const json::object* spec = ObjectAt(pod, "spec");
  const json::value* list = spec ? spec->if_contains(key) : nullptr;
  return list && list->is_array() ? list->get_array() : kNone;
}

std::string HostsFile(const std::string& ip, const std::string& hostname) {
  return fmt::format(
      "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
      "ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\n"
      "fe00::2\tip6-allrouters\n{}\t{}\n",
      ip, hostname);
}

}  // namespace

void PodWorker::Adopt(const std::string& name, const std::string& id, int restart_count) {
  Container& c = containers_[name];
  if (c.id.empty() || restart_count >= c.restarts) {
    c.id = id;
    c.restarts = restart_count;
  }
}

Status PodWorker::EnsureSandbox(const json::object& pod) {
  if (sandbox_) return Status::Ok();
  Sandbox sandbox;
  sandbox.dir = node_.pods_dir / uid_;
  sandbox.host_ip = node_.host_ip;
  MINI_RETURN_IF_ERROR(MakeDirs(sandbox.dir / "volumes"));
  const json::object* spec = ObjectAt(pod, "spec");
  bool host_network = spec && spec->contains("hostNetwork") && spec->at("hostNetwork").is_bool() &&
                      spec->at("hostNetwork").get_bool();
  if (host_network) {
    sandbox.ip = node_.host_ip;
  } else {
    MINI_ASSIGN_OR_RETURN(network::PodAddress address, node_.network->Setup(uid_, network::PortMappingsOf(pod)));
    sandbox.ip = address.ip;
    sandbox.netns = address.netns;
  }
  std::string hostname = StringAt(pod, "spec.hostname").empty() ? StringAt(pod, "metadata.name")
                                                                : StringAt(pod, "spec.hostname");
  MINI_RETURN_IF_ERROR(AtomicWriteFile(sandbox.dir / "etc-hosts", HostsFile(sandbox.ip, hostname), 0644, Durability::kVolatile));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(sandbox.dir / "hostname", hostname + "\n", 0644, Durability::kVolatile));
  auto resolv = ReadFile("/etc/resolv.conf");
  MINI_RETURN_IF_ERROR(AtomicWriteFile(sandbox.dir / "resolv.conf", resolv.ok() ? *resolv : "", 0644, Durability::kVolatile));
  start_time_ = mini::api::meta::Rfc3339Now();
  sandbox_ = std::move(sandbox);
  return Status::Ok();
}

std::string PodWorker::LogPath(const json::object& pod, const std::string& name, int n) const {
  return (node_.logs_dir /
          fmt::format("{}_{}_{}", StringAt(pod, "metadata.namespace"), StringAt(pod, "metadata.name"), uid_) /
          name / fmt::format("{}.log", n))
      .string();
}

void PodWorker::Event(const std::string& container, std::string_view type, std::string_view reason,
                      std::string message) {
  if (node_.events == nullptr) return;
  client::ObjectReference involved = reference_;
  if (!container.empty()) {
    involved.field_path =
        fmt::format("spec.{}{{{}}}", init_[container] ? "initContainers" : "containers", container);
  }
  node_.events->Record(involved, {std::string(type), std::string(reason), std::move(message), ""});
}

void PodWorker::Start(const json::object& pod, const json::object& spec, Container& c) {
  const std::string name = StringAt(spec, "name");
  const std::string image = StringAt(spec, "image");
  std::string policy_text = StringAt(spec, "imagePullPolicy");
  auto parsed = runtime::image::ParsePullPolicy(policy_text);
  auto policy = parsed.ok() ? *parsed : runtime::image::DefaultPullPolicy(image);
  bool present = policy != runtime::image::PullPolicy::kAlways && node_.images->Get(image).ok();
  auto pull_start = std::chrono::steady_clock::now();
  if (!present && policy != runtime::image::PullPolicy::kNever) {
    Event(name, "Normal", "Pulling", fmt::format("Pulling image \"{}\"", image));
  }
  auto record = runtime::image::EnsureImage(*node_.images, node_.puller, image, policy,
                                            PullCredentialsFor(pod, node_.env.config));
  auto now = std::chrono::steady_clock::now();
  if (record.ok()) {
    Event(name, "Normal", "Pulled",
          present ? fmt::format("Container image \"{}\" already present on machine", image)
                  : fmt::format("Successfully pulled image \"{}\" in {:.3f}s", image,
                                std::chrono::duration<double>(now - pull_start).count()));
  } else {
    Event(name, "Warning", "Failed", record.status().message());
  }
  if (!record.ok()) {
    c.waiting_reason = record.status().reason().empty() ? "ErrImagePull" : record.status().reason();
    c.waiting_message = record.status().message();
    c.pull_backoff = c.pull_backoff.count() == 0 ? kFirstBackoff
                                                   : std::min(c.pull_backoff * 2, kMaxBackoff);
    c.retry_at = now + c.pull_backoff;
    Event(name, "Warning", "Failed", "Error: " + c.waiting_reason);
    return;
  }
  c.pull_backoff = std::chrono::seconds(0);
  auto image_config = node_.images->Config(*record);
  const std::string id = fmt::format("{}-{}-{}", uid_, name, c.restarts);
  const fs::path container_dir = sandbox_->dir / "containers" / name;
  (void)MakeDirs(container_dir);
  (void)AtomicWriteFile(container_dir / "termination-log", "", 0644, Durability::kVolatile);
  auto config = image_config.ok()
                    ? ContainerConfigFor(pod, spec, *sandbox_, *image_config, container_dir, node_.env)
                    : Result<runtime::oci::ContainerConfig>(image_config.status());
  if (!config.ok()) {
    c.waiting_reason = "CreateContainerConfigError";
    c.waiting_message = config.status().message();
    c.retry_at = now + kFirstBackoff;
    Event(name, "Warning", "Failed", "Error: " + c.waiting_message);
    return;
  }
  runtime::containers::ContainerRequest request;
  request.id = id;
  request.image = image;
  request.config = std::move(*config);
  request.labels = {{"io.kubernetes.pod.uid", uid_},
                    {"io.kubernetes.pod.name", StringAt(pod, "metadata.name")},
                    {"io.kubernetes.pod.namespace", StringAt(pod, "metadata.namespace")},
                    {"io.kubernetes.container.name", name},
                    {"io.kubernetes.container.restartCount", std::to_string(c.restarts)}};
  request.log_path = LogPath(pod, name, c.restarts);
  c.id = id;
  c.probe_failures_reported = 0;
  c.waiting_reason.clear();
  c.waiting_message.clear();
  c.start_error.clear();
  Status started = node_.containers->Start(request);
  if (!started.ok() && started.code() != Code::kFailedPrecondition) {
    spdlog::warn("starting container {} of pod {}: {}", name, StringAt(pod, "metadata.name"),
                 started.message());
    c.waiting_reason = "RunContainerError";
    c.waiting_message = started.message();
    Event(name, "Warning", "Failed", "Error: " + started.message());
    (void)node_.containers->Remove(id);
    c.id.clear();
    c.retry_at = now + kFirstBackoff;
  } else if (!started.ok()) {
    c.start_error = started.message();  // the StartError's words, for the terminated state
    Event(name, "Normal", "Created", "Created container: " + name);
    Event(name, "Warning", "Failed", "Error: " + started.message());
  } else {
    Event(name, "Normal", "Created", "Created container: " + name);
    Event(name, "Normal", "Started", "Started container " + name);
    AfterStart(pod, spec, c);
  }
}

bool PodWorker::Step(const json::object& pod, const json::object& spec, bool init) {
  const std::string name = StringAt(spec, "name");
  Container& c = containers_[name];
  auto now = std::chrono::steady_clock::now();
  if (c.id.empty()) {
    if (now >= c.retry_at) {
      Start(pod, spec, c);
    } else if (c.waiting_reason == "ErrImagePull") {
      c.waiting_reason = "ImagePullBackOff";
      c.waiting_message = fmt::format("Back-off pulling image \"{}\"", StringAt(spec, "image"));
      Event(name, "Normal", "BackOff", c.waiting_message);
      Event(name, "Warning", "Failed", "Error: ImagePullBackOff");
    }
    return false;
  }
  if (Busy(c)) return false;
  auto state = node_.containers->State(c.id);
  if (state.ok() && state->phase == ContainerState::Phase::kRunning) {
    Supervise(pod, spec, c, *state);
  }
  if (!state.ok() || state->phase != ContainerState::Phase::kExited) return false;
  CaptureExit(pod, name, c, *state);
  std::string policy = StringAt(pod, "spec.restartPolicy");
  if (policy.empty()) policy = "Always";
  bool failed = state->exit_code != 0;
  if (init && !failed) return true;
  bool restart = init ? policy != "Never" && failed
                      : policy == "Always" || (policy == "OnFailure" && failed);
  if (!restart) return !failed;
  // A new exit: the next start waits the current delay, which then doubles (the first restart
  // is immediate, as the kubelet's crash-loop back-off has it).
  if (c.exit_seen != c.id) {
    c.exit_seen = c.id;
    if (RanFor(*state) >= kBackoffReset) c.backoff = std::chrono::seconds(0);
    c.delay = c.backoff;
    c.retry_at = now + c.backoff;
    c.backoff = c.backoff.count() == 0 ? kFirstBackoff : std::min(c.backoff * 2, kMaxBackoff);
  }
  if (now < c.retry_at) {
    c.waiting_reason = "CrashLoopBackOff";
    c.waiting_message = fmt::format("back-off {}s restarting failed container={} pod={}_{}({})",
                                    c.delay.count(), name, StringAt(pod, "metadata.name"),
                                    StringAt(pod, "metadata.namespace"), uid_);
    if (c.delay.count() > 0 && c.backoff_reported != c.id) {
      c.backoff_reported = c.id;
      Event(name, "Warning", "BackOff",
            fmt::format("Back-off restarting failed container {} in pod {}_{}({})", name,
                        StringAt(pod, "metadata.name"), StringAt(pod, "metadata.namespace"), uid_));
    }
    return false;
  }
  c.last_state = TerminatedState(*state, c.id, c.start_error, c.termination_message);
  (void)node_.containers->Remove(c.id);
  c.id.clear();
  c.restarts++;
  Start(pod, spec, c);
  return false;
}

json::object PodWorker::Sync(const json::object& pod) {
  reference_ = client::ObjectReference::To(pod, "v1", "Pod");
  for (const json::value& spec : Containers(pod, "initContainers")) {
    if (spec.is_object()) init_[StringAt(spec.get_object(), "name")] = true;
  }
  if (Status sandbox = EnsureSandbox(pod); !sandbox.ok()) {
    sandbox_error_ = sandbox.message();
    return StatusOf(pod);
  }
  sandbox_error_.clear();
  // Containers wait for their volumes, with the reason in their waiting state.
  if (Status mounted = volumes_.Sync(pod, *sandbox_); !mounted.ok()) {
    if (std::exchange(mount_error_, mounted.message()) != mounted.message()) {
      Event("", "Warning", "FailedMount", mounted.message());
    }
    for (const char* list : {"initContainers", "containers"}) {
      for (const json::value& spec : Containers(pod, list)) {
        if (!spec.is_object()) continue;
        Container& c = containers_[StringAt(spec.get_object(), "name")];
        if (!c.id.empty()) continue;
        c.waiting_reason = "ContainerCreating";
        c.waiting_message = mounted.message();
      }
    }
    return StatusOf(pod);
  }
  mount_error_.clear();
  bool initialized = true;
  for (const json::value& spec : Containers(pod, "initContainers")) {
    if (!spec.is_object() || !Step(pod, spec.get_object(), true)) {
      initialized = false;
      break;
    }
  }
  if (initialized) {
    for (const json::value& spec : Containers(pod, "containers")) {
      if (spec.is_object()) Step(pod, spec.get_object(), false);
    }
  }
  return StatusOf(pod);
}

Status PodWorker::Terminate(std::chrono::milliseconds grace) {
  Status result = Status::Ok();
  if (node_.prober) node_.prober->Forget(uid_);
  // Every container gets the whole grace period at once (preStop hook included).
  std::vector<std::future<Status>> stopping;
  for (auto& [name, c] : containers_) {
    if (c.background.valid()) c.background.wait();
    if (c.id.empty()) continue;
    Event(name, "Normal", "Killing", "Stopping container " + name);
    prober::ActionTarget target{c.id, sandbox_ ? sandbox_->ip : ""};
    stopping.push_back(std::async(std::launch::async, [this, target, grace, pre_stop = c.pre_stop] {
      return StopContainer(*node_.containers, node_.actions, pre_stop, target, grace);
    }));
  }
  for (auto& stopped : stopping) {
    if (Status s = stopped.get(); !s.ok()) result = s;
  }
  for (auto& [name, c] : containers_) {
    if (c.id.empty()) continue;
    if (Status removed = node_.containers->Remove(c.id); !removed.ok()) result = removed;
  }
  containers_.clear();
  if (Status down = node_.network->Teardown(uid_); !down.ok()) result = down;
  if (Status unmounted = volumes::UnmountVolumes(node_.pods_dir / uid_); !unmounted.ok()) {
    result = unmounted;
  }
  std::error_code error;
  fs::remove_all(node_.pods_dir / uid_, error);
  if (!node_.disk_dir.empty()) fs::remove_all(node_.disk_dir / uid_, error);
  sandbox_.reset();
  return result;
}

json::object PodWorker::StatusOf(const json::object& pod) {
  PodObservation observed;
  observed.sandbox_ready = sandbox_.has_value();
  observed.sandbox_error = sandbox_error_;
  observed.pod_ip = sandbox_ ? sandbox_->ip : "";
  observed.host_ip = node_.host_ip;
  observed.start_time = start_time_;
  for (auto& [name, c] : containers_) {
    ContainerObservation& o = observed.containers[name];
    o.id = c.id;
    o.restarts = c.restarts;
    o.waiting_reason = c.waiting_reason;
    o.waiting_message = c.waiting_message;
    o.last_state = c.last_state;
    o.start_error = c.start_error;
    if (!c.id.empty()) {
      auto state = node_.containers->State(c.id);
      if (state.ok()) o.state = *state;
      // A container can exit before the step that started it is over.
      if (state.ok() && state->phase == ContainerState::Phase::kExited) {
        CaptureExit(pod, name, c, *state);
      }
    }
    if (c.message_of == c.id) o.termination_message = c.termination_message;
    // While a postStart hook or a kill runs, the container serves nothing.
    if (c.background.valid()) o.ready = false;
    if (node_.prober && !c.id.empty()) {
      ProbeGates gates = ProbeGatesOf(pod, name);
      auto verdict = node_.prober->Verdict(uid_, name, c.id);
      // Until its probes have a say, a container they gate is neither started nor ready.
      o.ready = o.ready && (verdict ? verdict->ready : !gates.readiness && !gates.startup);
      o.started = verdict ? verdict->started : !gates.startup;
    }
  }
  return ComputePodStatus(pod, observed);
}

}  // namespace mini::cluster::kubelet::pods
