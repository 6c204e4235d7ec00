#include "drivers/native/native_driver.h"

#include <signal.h>

#include <boost/json.hpp>

#include "cluster/kubelet/node_cleanup.h"
#include "common/files.h"
#include "common/json.h"
#include "net/host.h"

namespace mini::drivers::native {
namespace fs = std::filesystem;
namespace json = boost::json;
using vm::MachineSpec;
using vm::MachineState;

namespace {

fs::path PidFile(const MachineSpec& spec) { return spec.machine_dir / "control-plane.pid"; }
fs::path DataDir(const MachineSpec& spec) { return spec.machine_dir / "data"; }

class NativeDriver : public vm::Driver {
 public:
  explicit NativeDriver(ProcessesPtr processes) : processes_(std::move(processes)) {}

  // vm::Driver
  Status Create(const MachineSpec& spec) override {
    return MakeDirs(spec.machine_dir / "data", 0700);
  }

  Status Start(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(MachineState state, State(spec));
    if (state == MachineState::kRunning) {
      return Status::Ok();
    }
    Status port = net::CheckPortFree("0.0.0.0", spec.apiserver_port);
    if (!port.ok()) {
      return port
          .WithAdvice(
              "stop the program using it, or choose another port with "
              "--apiserver-port")
          .WithReason("HOST_PORT_IN_USE");
    }
    MINI_RETURN_IF_ERROR(Create(spec));
    auto id = processes_->Spawn({ControlPlaneArgs(spec), spec.console_log});
    if (!id.ok()) {
      return id.status().WithContext("starting the control plane").WithReason("HOST_START");
    }
    json::value record = {{"pid", id->pid}, {"startTime", id->start_time}};
    return AtomicWriteFile(PidFile(spec), PrettyJson(record), 0600);
  }

  Status Stop(const MachineSpec& spec) override {
    auto id = ReadPidFile(spec);
    if (id.ok()) {
      auto forced = TerminateProcess(*processes_, *id, kStopGrace);
      MINI_RETURN_IF_ERROR(forced.status().WithContext("stopping the control plane"));
    }
    return RemoveAll(PidFile(spec));
  }

  Status Kill(const MachineSpec& spec) override {
    auto id = ReadPidFile(spec);
    if (id.ok()) {
      auto killed = TerminateProcess(*processes_, *id, std::chrono::milliseconds(0));
      MINI_RETURN_IF_ERROR(killed.status().WithContext("killing the control plane"));
    }
    return RemoveAll(PidFile(spec));
  }

  // The node is this host: the control plane is asked to stop its pods first, and whatever a
  // killed one left behind (containers, mounts, network namespaces) is removed after it.
  Status Delete(const MachineSpec& spec) override {
    if (!Stop(spec).ok()) MINI_RETURN_IF_ERROR(Kill(spec));
    MINI_RETURN_IF_ERROR(cluster::kubelet::CleanupNode(DataDir(spec)));
    return RemoveAll(spec.machine_dir);
  }

  Result<MachineState> State(const MachineSpec& spec) override {
    std::error_code ec;
    if (!fs::exists(spec.machine_dir, ec)) {
      return MachineState::kNonexistent;
    }
    if (!fs::exists(PidFile(spec), ec)) {
      return MachineState::kStopped;  // a clean stop removes the pid file
    }
    auto id = ReadPidFile(spec);
    if (!id.ok()) {
      return MachineState::kError;
    }
    // Reaps our own child if it died while we were waiting for it to become ready.
    return processes_->Poll(*id).running ? MachineState::kRunning : MachineState::kError;
  }

  Result<std::string> NodeIP(const MachineSpec& /*spec*/) override { return net::PrimaryIPv4(); }

  Result<vm::Endpoint> ApiEndpoint(const MachineSpec& spec) override {
    return vm::Endpoint{"127.0.0.1", spec.apiserver_port};
  }

  // The node is this host: there is nothing to share into.
  Result<vm::HostRoute> RouteToHost(const MachineSpec& spec) override {
    return Error(Code::kFailedPrecondition,
                 "the \"{}\" profile runs on the native driver, whose node is this host: pods "
                 "already see host directories",
                 spec.name)
        .WithAdvice("use the host directory directly, e.g. as a hostPath volume");
  }

 private:
  static std::vector<std::string> ControlPlaneArgs(const MachineSpec& spec) {
    std::vector<std::string> args = {spec.mini_binary.string(),
                                     "control-plane",
                                     "--data-dir=" + DataDir(spec).string(),
                                     "--secure-port=" + std::to_string(spec.apiserver_port),
                                     "--tls-cert-file=" + spec.serving_cert.string(),
                                     "--tls-private-key-file=" + spec.serving_key.string(),
                                     "--client-ca-file=" + spec.ca_cert.string()};
    args.insert(args.end(), spec.control_plane_flags.begin(), spec.control_plane_flags.end());
    return args;
  }

  Result<ProcessId> ReadPidFile(const MachineSpec& spec) {
    MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PidFile(spec)));
    MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PidFile(spec).string()));
    if (!v.is_object()) {
      return Error(Code::kInvalidArgument, "{} is damaged", PidFile(spec).string());
    }
    MINI_ASSIGN_OR_RETURN(int64_t pid, GetInt(v.get_object(), "pid"));
    MINI_ASSIGN_OR_RETURN(int64_t start, GetInt(v.get_object(), "startTime"));
    return ProcessId{static_cast<pid_t>(pid), static_cast<uint64_t>(start)};
  }

  ProcessesPtr processes_;
};

}  // namespace

vm::DriverPtr NewNativeDriver(ProcessesPtr processes) {
  return std::make_unique<NativeDriver>(std::move(processes));
}

}  // namespace mini::drivers::native
