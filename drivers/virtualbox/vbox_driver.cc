#include "drivers/virtualbox/vbox_driver.h"

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <thread>

#include "common/command.h"
#include "common/files.h"
#include "drivers/qemu/guest_config.h"
#include "drivers/qemu/machine_files.h"
#include "drivers/virtualbox/vbox_commands.h"
#include "vm/iso/config_iso.h"
#include "vm/iso/guest_iso.h"

namespace mini::drivers::virtualbox {
namespace fs = std::filesystem;
using vm::MachineSpec;
using vm::MachineState;

namespace {

// NAT: the guest's address on VirtualBox's NAT network, as on QEMU's user network.
constexpr char kGuestIP[] = "10.0.2.15";
// NAT gives the guest the host's loopback at this address, as QEMU's user network does.
constexpr char kHostAlias[] = "10.0.2.2";
constexpr uint16_t kGuestApiPort = 8443;

Result<std::string> VBox(const Argv& argv) {
  auto r = RunChecked(argv, std::chrono::minutes(2));
  if (!r.ok()) return r.status().WithReason("GUEST_START");
  return r;
}

fs::path Registered(const MachineSpec& s) { return s.machine_dir / "registered"; }
fs::path ConfigIso(const MachineSpec& s) { return s.machine_dir / "config.iso"; }

// What the qemu driver hands over through fw_cfg, on the second DVD; written at every start so
// changed flags and renewed certificates reach the guest.
Status WriteConfigIso(const MachineSpec& spec) {
  MINI_ASSIGN_OR_RETURN(qemu::GuestConfig guest, qemu::WriteGuestConfig(spec, {kGuestApiPort, ""}));
  std::vector<vm::iso::ConfigFile> files;
  for (const qemu::GuestFile& f : guest.files) files.push_back({f.name, f.file});
  return vm::iso::WriteConfigIso(ConfigIso(spec), files).WithContext("writing the config ISO");
}

class VirtualBoxDriver : public vm::Driver {
 public:
  Status Create(const MachineSpec& spec) override {
    MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
    return qemu::EnsureSshKeys(spec).WithContext("making the machine's ssh keys");
  }

  Status Start(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(MachineState state, State(spec));
    if (state == MachineState::kRunning) return Status::Ok();
    MINI_RETURN_IF_ERROR(Create(spec));
    MINI_ASSIGN_OR_RETURN(fs::path iso,
                          vm::iso::EnsureGuestIso({spec.cache_dir, spec.mini_binary, spec.say}));
    MINI_ASSIGN_OR_RETURN(qemu::Ports ports, qemu::ChoosePorts(spec));
    VmConfig c = Config(spec, iso, ports);
    MINI_RETURN_IF_ERROR(MakeDirs(spec.console_log.parent_path(), 0700));
    // Before VirtualBox registers anything: a missing certificate stops the start here.
    MINI_RETURN_IF_ERROR(WriteConfigIso(spec));
    if (!fs::exists(Registered(spec))) {
      for (const Argv& argv : CreateCommands(c)) MINI_RETURN_IF_ERROR(VBox(argv).status());
      MINI_RETURN_IF_ERROR(AtomicWriteFile(Registered(spec), "", 0600));
    }
    MINI_RETURN_IF_ERROR(VBox(AttachConfigCommand(c)).status());
    return VBox(StartCommand(c)).status();
  }

  Status Stop(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(MachineState state, State(spec));
    if (state != MachineState::kRunning) return Status::Ok();
    VmConfig c = Config(spec, "", {});
    auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    auto next_press = std::chrono::steady_clock::now();
    // An early press is lost (the guest has no handler yet): press again every few seconds.
    while (Running(spec) && std::chrono::steady_clock::now() < deadline) {
      if (std::chrono::steady_clock::now() >= next_press) {
        (void)RunCommand(PowerButtonCommand(c));
        next_press += std::chrono::seconds(5);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Running(spec) ? Kill(spec) : Status::Ok();
  }

  Status Kill(const MachineSpec& spec) override {
    if (!Running(spec)) return Status::Ok();
    return VBox(PowerOffCommand(Config(spec, "", {}))).status();
  }

  Status Delete(const MachineSpec& spec) override {
    if (fs::exists(Registered(spec))) {
      MINI_RETURN_IF_ERROR(Kill(spec));
      MINI_RETURN_IF_ERROR(VBox(DeleteCommand(Config(spec, "", {}))).status());
    }
    return RemoveAll(spec.machine_dir);
  }

  Result<MachineState> State(const MachineSpec& spec) override {
    if (!fs::exists(spec.machine_dir)) return MachineState::kNonexistent;
    if (!fs::exists(Registered(spec))) return MachineState::kStopped;
    auto info = RunCommand(InfoCommand(spec.name));
    if (!info.ok() || info->exit_code != 0) return MachineState::kError;
    std::string s = ParseVmState(info->output);
    if (s == "running" || s == "paused" || s == "starting" || s == "stopping") {
      return MachineState::kRunning;
    }
    return s == "poweroff" || s == "saved" ? MachineState::kStopped : MachineState::kError;
  }

  Result<std::string> NodeIP(const MachineSpec&) override { return std::string(kGuestIP); }

  Result<vm::Endpoint> ApiEndpoint(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(qemu::Ports ports, qemu::ReadPorts(spec));
    return vm::Endpoint{"127.0.0.1", ports.api};
  }

  Result<std::vector<std::string>> ShellCommand(const MachineSpec& spec,
                                                const std::vector<std::string>& command) override {
    MINI_ASSIGN_OR_RETURN(qemu::Ports ports, qemu::ReadPorts(spec));
    return qemu::SshCommand(spec, "127.0.0.1", ports.ssh, command);
  }

  // --mount-string shares are 9p devices on QEMU's command line; VirtualBox has none, so the
  // lifecycle shares them over the route below once the guest is up.
  bool SharesAtStart() const override { return false; }

  Result<vm::HostRoute> RouteToHost(const MachineSpec&) override {
    return vm::HostRoute{"127.0.0.1", kHostAlias};
  }

 private:
  bool Running(const MachineSpec& spec) {
    auto s = State(spec);
    return s.ok() && *s == MachineState::kRunning;
  }

  VmConfig Config(const MachineSpec& spec, const fs::path& iso, const qemu::Ports& ports) {
    return {spec.name, spec.machine_dir, spec.cpus, spec.memory_mb, spec.disk_size_mb, iso,
            spec.machine_dir / spec.name / "disk.vdi", spec.console_log, ConfigIso(spec),
            ports.api, ports.ssh};
  }
};

}  // namespace

vm::DriverPtr NewVirtualBoxDriver() { return std::make_unique<VirtualBoxDriver>(); }

}  // namespace mini::drivers::virtualbox
