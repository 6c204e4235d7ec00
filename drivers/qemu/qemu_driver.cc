#include "drivers/qemu/qemu_driver.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>
#include <thread>

#include "common/command.h"
#include "common/files.h"
#include "common/json.h"
#include "drivers/qemu/bridge_network.h"
#include "drivers/qemu/guest_config.h"
#include "drivers/qemu/machine_files.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qmp.h"
#include "vm/host_facts.h"
#include "vm/image/guest_image.h"

namespace mini::drivers::qemu {
namespace fs = std::filesystem;
namespace json = boost::json;
using vm::MachineSpec;
using vm::MachineState;

namespace {

constexpr uint16_t kGuestApiPort = 8443;
constexpr uint16_t kGuestSshPort = 22;

class QemuDriver : public vm::Driver {
 public:
  explicit QemuDriver(ProcessesPtr processes) : processes_(std::move(processes)) {}

  // vm::Driver
  Status Create(const MachineSpec& spec) override {
    MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
    MINI_RETURN_IF_ERROR(CreateDisk(spec));
    return EnsureSshKeys(spec).WithContext("making the machine's ssh keys");
  }

  Status Start(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(MachineState state, State(spec));
    if (state == MachineState::kRunning) return Bridged(spec) ? Status::Ok() : AddForwards(spec);
    for (const vm::SharedDir& m : spec.mounts) {
      if (!fs::is_directory(m.host)) {
        return Error(Code::kNotFound, "--mount-string: {} is not a directory", m.host.string())
            .WithAdvice("create it, or give an existing host directory")
            .WithReason("HOST_MOUNT");
      }
    }
    MINI_RETURN_IF_ERROR(Create(spec));
    MINI_ASSIGN_OR_RETURN(GuestBoot boot, PrepareGuestBoot(spec));
    const vm::image::GuestImage& image = boot.image;
    const vm::HostFacts& facts = boot.facts;
    MINI_ASSIGN_OR_RETURN(QemuConfig config, Config(spec, image, facts));
    for (const fs::path& stale : {QmpSocket(spec), spec.machine_dir / "serial.sock"}) {
      (void)RemoveAll(stale);
    }
    MINI_RETURN_IF_ERROR(MakeDirs(spec.console_log.parent_path(), 0700));
    (void)RemoveAll(QemuLog(spec));
    spdlog::info("starting {}", fmt::join(QemuArgs(config), " "));
    auto id = processes_->Spawn({QemuArgs(config), QemuLog(spec)});
    if (!id.ok()) return id.status().WithContext("starting QEMU").WithReason("GUEST_START");
    json::value record = {{"pid", id->pid}, {"startTime", id->start_time}};
    MINI_RETURN_IF_ERROR(AtomicWriteFile(PidFile(spec), PrettyJson(record), 0600));
    return WaitForQmp(spec, *id);
  }

  Status Pause(const MachineSpec& spec, bool paused) override {
    MINI_RETURN_IF_ERROR(Qmp(spec, paused ? "stop" : "cont").status());
    if (!paused) SyncGuestClock(spec);
    return Status::Ok();
  }

  bool Paused(const MachineSpec& spec) override {
    auto status = Qmp(spec, "query-status");
    if (!status.ok() || !status->is_object()) return false;
    const json::value* running = status->get_object().if_contains("running");
    return running != nullptr && running->is_bool() && !running->get_bool();
  }

  Status Stop(const MachineSpec& spec) override {
    auto id = ReadPidFile(spec);
    if (id.ok() && processes_->Alive(*id) && Paused(spec)) {
      (void)Qmp(spec, "cont");  // a paused guest cannot hear the power button
    }
    if (id.ok() && processes_->Alive(*id)) {
      auto deadline = std::chrono::steady_clock::now() + kStopGrace;
      // The guest may not listen for the power button yet (early presses are lost): press it
      // again every few seconds until it powers off.
      auto next_press = std::chrono::steady_clock::now();
      while (processes_->Alive(*id) && std::chrono::steady_clock::now() < deadline) {
        if (std::chrono::steady_clock::now() >= next_press) {
          (void)Qmp(spec, "system_powerdown");
          next_press += std::chrono::seconds(5);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (processes_->Alive(*id)) {
        spdlog::warn("the guest did not power off within {} s; stopping QEMU", kStopGrace.count());
        MINI_RETURN_IF_ERROR(Kill(spec));
      }
    }
    return RemoveAll(PidFile(spec));
  }

  Status Kill(const MachineSpec& spec) override {
    auto id = ReadPidFile(spec);
    if (id.ok()) {
      auto killed = TerminateProcess(*processes_, *id, std::chrono::seconds(2));
      MINI_RETURN_IF_ERROR(killed.status().WithContext("killing QEMU"));
    }
    return RemoveAll(PidFile(spec));
  }

  Status Delete(const MachineSpec& spec) override {
    MINI_RETURN_IF_ERROR(Kill(spec));
    // The kept plan, not the profile, says whether there is a bridge to remove.
    if (auto plan = ReadBridgePlan(spec); plan.ok()) MINI_RETURN_IF_ERROR(RemoveBridge(*plan));
    return RemoveAll(spec.machine_dir);
  }

  Result<MachineState> State(const MachineSpec& spec) override {
    std::error_code ec;
    if (!fs::exists(spec.machine_dir, ec)) return MachineState::kNonexistent;
    if (!fs::exists(PidFile(spec), ec)) return MachineState::kStopped;
    auto id = ReadPidFile(spec);
    if (!id.ok()) return MachineState::kError;
    return processes_->Poll(*id).running ? MachineState::kRunning : MachineState::kError;
  }

  // Planned before the first boot when bridged: the address goes into the certificate.
  Result<std::string> NodeIP(const MachineSpec& spec) override {
    if (!Bridged(spec)) return std::string(kGuestIP);
    MINI_ASSIGN_OR_RETURN(BridgePlan plan, EnsureBridgePlan(spec));
    return plan.GuestIP();
  }

  Result<vm::Endpoint> ApiEndpoint(const MachineSpec& spec) override {
    if (Bridged(spec)) {
      MINI_ASSIGN_OR_RETURN(BridgePlan plan, ReadBridgePlan(spec));
      return vm::Endpoint{plan.GuestIP(), spec.apiserver_port};
    }
    MINI_ASSIGN_OR_RETURN(Ports ports, ReadPorts(spec));
    return vm::Endpoint{"127.0.0.1", ports.api};
  }

  Result<std::vector<std::string>> ShellCommand(const MachineSpec& spec,
                                                const std::vector<std::string>& command) override {
    if (Bridged(spec)) {
      MINI_ASSIGN_OR_RETURN(BridgePlan plan, ReadBridgePlan(spec));
      return SshCommand(spec, plan.GuestIP(), kGuestSshPort, command);
    }
    MINI_ASSIGN_OR_RETURN(Ports ports, ReadPorts(spec));
    return SshCommand(spec, "127.0.0.1", ports.ssh, command);
  }

  // User-mode networking turns the guest's connections to its gateway into connections to the
  // host's loopback, so nothing listens beyond this host.
  Result<vm::HostRoute> RouteToHost(const MachineSpec& spec) override {
    if (Bridged(spec)) {  // the host's address on the machine's bridge
      MINI_ASSIGN_OR_RETURN(BridgePlan plan, ReadBridgePlan(spec));
      return vm::HostRoute{plan.HostIP(), plan.HostIP()};
    }
    return vm::HostRoute{"127.0.0.1", kHostAlias};
  }

 private:
  static bool Bridged(const MachineSpec& spec) { return spec.network == kBridgeNetwork; }

  Result<QemuConfig> Config(const MachineSpec& spec, const vm::image::GuestImage& image,
                            const vm::HostFacts& facts) {
    QemuConfig c;
    c.kvm = facts.kvm.usable;
    c.tsc_khz = facts.tsc_khz;
    c.cpus = spec.cpus;
    c.memory_mb = spec.memory_mb;
    c.kernel = image.kernel;
    c.initrd = image.initrd;
    c.disk = Disk(spec);
    c.qmp_socket = QmpSocket(spec);
    c.serial_socket = spec.machine_dir / "serial.sock";
    c.console_log = spec.console_log;
    GuestConfigOptions options{kGuestApiPort, ""};
    if (Bridged(spec)) {
      MINI_ASSIGN_OR_RETURN(options, BridgeConfig(spec, c));
    } else {
      MINI_ASSIGN_OR_RETURN(Ports ports, ChoosePorts(spec));
      c.forwards = {{ports.api, kGuestApiPort}, {ports.ssh, kGuestSshPort}};
      for (const vm::PortMapping& p : spec.ports) c.forwards.push_back({p.host, p.guest});
    }
    MINI_ASSIGN_OR_RETURN(GuestConfig guest, WriteGuestConfig(spec, options));
    for (const GuestShare& s : guest.shares) c.shares.push_back({s.host, s.tag});
    for (const GuestFile& f : guest.files) c.fw_cfg.push_back({f.name, f.file});
    return c;
  }

  // The bridge, tap and NAT made (again) for this boot; the guest is given its fixed address and
  // serves the API on the profile's port, as nothing stands between it and the host.
  Result<GuestConfigOptions> BridgeConfig(const MachineSpec& spec, QemuConfig& c) {
    if (!spec.ports.empty()) {
      spec.say(
          "! --ports is not needed with --network=bridge: the machine's ports are reachable "
          "at its own address (mini ip)");
    }
    MINI_ASSIGN_OR_RETURN(BridgePlan plan, EnsureBridgePlan(spec));
    MINI_RETURN_IF_ERROR(EnsureBridge(spec, plan));
    MINI_RETURN_IF_ERROR(WriteKnownHosts(spec, plan.GuestIP()));
    std::string nameserver = HostNameserver();
    if (nameserver.empty()) {
      spec.say("! the host has no nameserver the machine can reach: it resolves no names");
      nameserver = plan.HostIP();
    }
    c.tap = plan.tap;
    return GuestConfigOptions{spec.apiserver_port, GuestNetworkLine(plan, nameserver)};
  }

  // QEMU is up once its control socket answers; if it exits first, its own words say why
  // (a forwarded port taken, a bad option).
  Status WaitForQmp(const MachineSpec& spec, const ProcessId& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!processes_->Poll(id).running) {
        auto text = ReadFile(QemuLog(spec));
        std::string log = text.ok() ? *text : "";
        (void)RemoveAll(PidFile(spec));
        Status failed = Error(Code::kFailedPrecondition, "QEMU exited at once: {}", log);
        if (log.find("hostfwd") != std::string::npos ||
            log.find("host forwarding") != std::string::npos) {
          return failed.WithAdvice("a forwarded port was taken meanwhile; run mini start again")
              .WithReason("HOST_PORT_IN_USE");
        }
        if (log.find("tap") != std::string::npos) {
          return failed
              .WithAdvice(
                  "the tap device of --network=bridge could not be opened; "
                  "\"mini delete\" removes it, and the next start makes it again")
              .WithReason("DRV_QEMU_NETWORK");
        }
        return failed.WithAdvice("see " + QemuLog(spec).string()).WithReason("GUEST_START");
      }
      if (QmpClient::Connect(QmpSocket(spec), std::chrono::seconds(2)).ok()) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Error(Code::kDeadlineExceeded, "QEMU did not open its control socket")
        .WithAdvice("see " + QemuLog(spec).string())
        .WithReason("GUEST_START");
  }

  // The guest's clock stood still while it was paused (under TCG its TSC follows QEMU's virtual
  // clock): set it to the host's time again, or new certificates would look not yet valid.
  void SyncGuestClock(const MachineSpec& spec) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto argv = ShellCommand(spec, {fmt::format("date -u -s @{} >/dev/null", now)});
    if (argv.ok()) (void)RunCommand(*argv, std::chrono::seconds(10));
  }

  // --ports given to a running machine: QEMU adds the forwards it does not have yet.
  Status AddForwards(const MachineSpec& spec) {
    MINI_ASSIGN_OR_RETURN(Ports ports, ReadPorts(spec));
    for (const vm::PortMapping& m : spec.ports) {
      bool have = false;
      for (const auto& e : ports.extra) have = have || (e.host == m.host && e.guest == m.guest);
      if (have) continue;
      MINI_ASSIGN_OR_RETURN(auto qmp, QmpClient::Connect(QmpSocket(spec), std::chrono::seconds(2)));
      std::string rule = fmt::format("hostfwd_add n0 tcp:127.0.0.1:{}-:{}", m.host, m.guest);
      MINI_ASSIGN_OR_RETURN(json::value said,
                            qmp->Execute("human-monitor-command", {{"command-line", rule}}));
      // The monitor answers an empty string when the rule is in place, else why not.
      if (said.is_string() && !said.get_string().empty()) {
        return Error(Code::kFailedPrecondition, "cannot forward 127.0.0.1:{}: {}", m.host,
                     std::string(said.get_string()))
            .WithAdvice("stop the program using the port, or forward another: --ports=HOST:" +
                        std::to_string(m.guest))
            .WithReason("HOST_PORT_IN_USE");
      }
      ports.extra.push_back(m);
      MINI_RETURN_IF_ERROR(WritePorts(spec, ports));
    }
    return Status::Ok();
  }

  Result<json::value> Qmp(const MachineSpec& spec, const std::string& command) {
    MINI_ASSIGN_OR_RETURN(auto client, QmpClient::Connect(QmpSocket(spec), std::chrono::seconds(2)));
    return client->Execute(command);
  }

  Result<ProcessId> ReadPidFile(const MachineSpec& spec) {
    MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PidFile(spec)));
    MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PidFile(spec).string()));
    if (!v.is_object()) return Error(Code::kInvalidArgument, "{} is damaged", PidFile(spec).string());
    MINI_ASSIGN_OR_RETURN(int64_t pid, GetInt(v.get_object(), "pid"));
    MINI_ASSIGN_OR_RETURN(int64_t start, GetInt(v.get_object(), "startTime"));
    return ProcessId{static_cast<pid_t>(pid), static_cast<uint64_t>(start)};
  }

  ProcessesPtr processes_;
};

}  // namespace

vm::DriverPtr NewQemuDriver(ProcessesPtr processes) {
  return std::make_unique<QemuDriver>(std::move(processes));
}

}  // namespace mini::drivers::qemu
