#include "drivers/kvm2/kvm2_driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <thread>

#include "common/command.h"
#include "common/files.h"
#include "drivers/kvm2/libvirt.h"
#include "drivers/kvm2/network.h"
#include "drivers/qemu/guest_config.h"
#include "drivers/qemu/machine_files.h"
#include "vm/host_facts.h"
#include "vm/image/guest_image.h"

namespace mini::drivers::kvm2 {
namespace fs = std::filesystem;
using vm::MachineSpec;
using vm::MachineState;

namespace {

// Present while the machine should be running: a domain found shut off then crashed (or its
// control plane exited), which status reports as Error, as the qemu driver does.
fs::path RunningMarker(const MachineSpec& s) { return s.machine_dir / "running"; }
fs::path Disk(const MachineSpec& s) { return qemu::Disk(s); }
std::string Uri(const MachineSpec& s) { return s.kvm_qemu_uri.empty() ? kDefaultUri : s.kvm_qemu_uri; }

int DomainState(const LibvirtApi& api, virDomainPtr d) {
  int state = VIR_DOMAIN_NOSTATE, reason = 0;
  if (api.virDomainGetState(d, &state, &reason, 0) != 0) return -1;
  return state;
}

// libvirt runs QEMU as an unprivileged user of group kvm (libvirt-qemu on Debian). When only
// root may open /dev/kvm (a host without udev), libvirt finds KVM gone after every probe that
// found it, throws its capabilities cache away and probes QEMU again at each domain definition.
bool KvmDeviceRootOnly() {
  struct stat st {};
  if (::stat("/dev/kvm", &st) != 0) return false;
  constexpr mode_t kGroupRw = S_IRGRP | S_IWGRP, kOtherRw = S_IROTH | S_IWOTH;
  bool group_ok = st.st_gid != 0 && (st.st_mode & kGroupRw) == kGroupRw;
  return !group_ok && (st.st_mode & kOtherRw) != kOtherRw;
}

bool Active(int state) {
  return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED && state >= 0;
}

class Kvm2Driver : public vm::Driver {
 public:
  Status Create(const MachineSpec& spec) override {
    MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
    MINI_RETURN_IF_ERROR(qemu::CreateDisk(spec));
    return qemu::EnsureSshKeys(spec).WithContext("making the machine's ssh keys");
  }

  Status Start(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    if (DomainPtr d = virt->FindDomain(spec.name); d && Active(DomainState(virt->api(), d.get()))) {
      return Status::Ok();
    }
    if (!spec.ports.empty()) {
      spec.say("! --ports is not needed with the kvm2 driver: the machine's ports are reachable "
               "at its own address (mini ip)");
    }
    MINI_RETURN_IF_ERROR(Create(spec));
    MINI_ASSIGN_OR_RETURN(qemu::GuestBoot boot, qemu::PrepareGuestBoot(spec));
    const vm::image::GuestImage& image = boot.image;
    const vm::HostFacts& facts = boot.facts;
    if (KvmDeviceRootOnly()) {
      spec.say("! only root may open /dev/kvm, so libvirt probes QEMU again (~30 s) each time a "
               "machine is defined: `chgrp kvm /dev/kvm && chmod 660 /dev/kvm`, as udev does");
    }
    MINI_ASSIGN_OR_RETURN(NetworkPlan plan, EnsurePlan(*virt, spec));
    MINI_RETURN_IF_ERROR(EnsureNetwork(*virt, plan, spec.name));
    MINI_RETURN_IF_ERROR(qemu::WriteKnownHosts(spec, plan.GuestIP()));
    MINI_ASSIGN_OR_RETURN(DomainConfig config, Config(spec, image, facts, plan));
    MINI_RETURN_IF_ERROR(MakeDirs(spec.console_log.parent_path(), 0700));
    MINI_ASSIGN_OR_RETURN(DomainPtr d, Define(*virt, spec, config));
    const LibvirtApi& api = virt->api();
    MINI_RETURN_IF_ERROR(AtomicWriteFile(RunningMarker(spec), "", 0600));
    if (api.virDomainCreate(d.get()) != 0) {
      (void)RemoveAll(RunningMarker(spec));
      return virt->Failed(Code::kFailedPrecondition, "starting the libvirt domain " + spec.name)
          .WithAdvice("see /var/log/libvirt/qemu/" + spec.name + ".log").WithReason("GUEST_START");
    }
    // The lease is asked for once /init has loaded the network card's module; a lease of an
    // earlier boot can answer at once, which is harmless: the address is reserved for the MAC.
    auto ip = WaitForLease(*virt, d.get(), plan.mac, kLeaseWait);
    if (!ip.ok()) {
      return ip.status().WithAdvice("see " + spec.console_log.string()).WithReason("GUEST_START");
    }
    if (*ip != plan.GuestIP()) {
      spdlog::warn("{} was leased {}, not its reserved {}", spec.name, *ip, plan.GuestIP());
    }
    return Status::Ok();
  }

  Status Stop(const MachineSpec& spec) override {
    if (!fs::exists(spec.machine_dir)) return Status::Ok();
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    DomainPtr d = virt->FindDomain(spec.name);
    const LibvirtApi& api = virt->api();
    if (d && DomainState(api, d.get()) == VIR_DOMAIN_PAUSED) {
      (void)api.virDomainResume(d.get());  // a paused guest cannot hear the power button
    }
    auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    auto next_press = std::chrono::steady_clock::now();
    // An early press is lost (the guest has no handler yet): press again every few seconds.
    while (d && Active(DomainState(api, d.get())) && std::chrono::steady_clock::now() < deadline) {
      if (std::chrono::steady_clock::now() >= next_press) {
        (void)api.virDomainShutdown(d.get());
        next_press += std::chrono::seconds(5);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (d && Active(DomainState(api, d.get()))) {
      spdlog::warn("the guest did not power off within {} s; destroying it", kStopGrace.count());
      return Kill(spec);
    }
    return RemoveAll(RunningMarker(spec));
  }

  Status Kill(const MachineSpec& spec) override {
    if (!fs::exists(spec.machine_dir)) return Status::Ok();
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    DomainPtr d = virt->FindDomain(spec.name);
    if (d && Active(DomainState(virt->api(), d.get())) && virt->api().virDomainDestroy(d.get()) != 0) {
      return virt->Failed(Code::kInternal, "destroying the domain " + spec.name);
    }
    return RemoveAll(RunningMarker(spec));
  }

  Status Delete(const MachineSpec& spec) override {
    if (!fs::exists(spec.machine_dir)) return Status::Ok();
    MINI_RETURN_IF_ERROR(Kill(spec));
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    if (DomainPtr d = virt->FindDomain(spec.name); d && virt->api().virDomainUndefine(d.get()) != 0) {
      return virt->Failed(Code::kInternal, "removing the domain " + spec.name);
    }
    if (auto plan = ReadPlan(spec); plan.ok()) {
      MINI_RETURN_IF_ERROR(ReleaseNetwork(*virt, *plan, spec.name));
    }
    return RemoveAll(spec.machine_dir);
  }

  Result<MachineState> State(const MachineSpec& spec) override {
    if (!fs::exists(spec.machine_dir)) return MachineState::kNonexistent;
    auto virt = Libvirt::Connect(Uri(spec));
    if (!virt.ok()) {
      spdlog::warn("{}", virt.status().message());
      return MachineState::kError;
    }
    DomainPtr d = (*virt)->FindDomain(spec.name);
    int state = d ? DomainState((*virt)->api(), d.get()) : VIR_DOMAIN_SHUTOFF;
    if (Active(state)) return MachineState::kRunning;
    return fs::exists(RunningMarker(spec)) ? MachineState::kError : MachineState::kStopped;
  }

  Result<std::string> NodeIP(const MachineSpec& spec) override {
    if (auto plan = ReadPlan(spec); plan.ok()) return plan->GuestIP();
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    MINI_ASSIGN_OR_RETURN(NetworkPlan plan, EnsurePlan(*virt, spec));
    return plan.GuestIP();
  }

  Result<vm::Endpoint> ApiEndpoint(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(NetworkPlan plan, ReadPlan(spec));
    return vm::Endpoint{plan.GuestIP(), spec.apiserver_port};
  }

  Status Pause(const MachineSpec& spec, bool paused) override {
    MINI_ASSIGN_OR_RETURN(auto virt, Libvirt::Connect(Uri(spec)));
    DomainPtr d = virt->FindDomain(spec.name);
    if (!d) return Error(Code::kFailedPrecondition, "the domain {} does not exist", spec.name);
    const LibvirtApi& api = virt->api();
    if ((paused ? api.virDomainSuspend(d.get()) : api.virDomainResume(d.get())) != 0) {
      return virt->Failed(Code::kInternal, paused ? "pausing the domain" : "resuming the domain");
    }
    if (!paused) SyncGuestClock(spec);
    return Status::Ok();
  }

  bool Paused(const MachineSpec& spec) override {
    auto virt = Libvirt::Connect(Uri(spec));
    if (!virt.ok()) return false;
    DomainPtr d = (*virt)->FindDomain(spec.name);
    return d && DomainState((*virt)->api(), d.get()) == VIR_DOMAIN_PAUSED;
  }

  Result<std::vector<std::string>> ShellCommand(const MachineSpec& spec,
                                                const std::vector<std::string>& command) override {
    MINI_ASSIGN_OR_RETURN(NetworkPlan plan, ReadPlan(spec));
    return qemu::SshCommand(spec, plan.GuestIP(), 22, command);
  }

  // The host's address on the machine's own network: only the machine (and the host) reach it.
  Result<vm::HostRoute> RouteToHost(const MachineSpec& spec) override {
    MINI_ASSIGN_OR_RETURN(NetworkPlan plan, ReadPlan(spec));
    return vm::HostRoute{plan.HostIP(), plan.HostIP()};
  }

 private:
  // Defining a domain costs libvirt 9.0 about 50 s on a host whose KVM is present but too slow
  // (it probes QEMU again), starting one a second: the domain is defined only when its XML
  // changes, and names the guest image through links in the machine directory, which follow
  // a rebuilt image without a change to the XML.
  Result<DomainPtr> Define(const Libvirt& virt, const MachineSpec& spec, DomainConfig c) {
    fs::path kept = spec.machine_dir / "domain.xml";
    DomainPtr d = virt.FindDomain(spec.name);
    c.uuid = d ? Uuid(virt, d.get()) : "";
    std::string xml = DomainXml(c);
    auto old = ReadFile(kept);
    if (d && old.ok() && *old == xml) return d;
    spdlog::info("defining the domain {}:\n{}", spec.name, xml);
    d = DomainPtr(virt.api().virDomainDefineXML(virt.conn(), xml.c_str()), virt.api().virDomainFree);
    if (!d) {
      return virt.Failed(Code::kFailedPrecondition, "defining the libvirt domain " + spec.name)
          .WithAdvice("see libvirtd's log").WithReason("GUEST_START");
    }
    c.uuid = Uuid(virt, d.get());  // what the XML will say at the next start
    MINI_RETURN_IF_ERROR(AtomicWriteFile(kept, DomainXml(c), 0600));
    return d;
  }

  static std::string Uuid(const Libvirt& virt, virDomainPtr d) {
    char text[VIR_UUID_STRING_BUFLEN] = {};
    return virt.api().virDomainGetUUIDString(d, text) == 0 ? text : "";
  }

  static Status Link(const fs::path& target, const fs::path& link) {
    fs::path tmp = link.string() + ".tmp";
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_symlink(target, tmp, ec);
    if (!ec) fs::rename(tmp, link, ec);
    return ec ? ErrnoError(Code::kInternal, ec.value(), "linking " + link.string()) : Status::Ok();
  }

  Result<DomainConfig> Config(const MachineSpec& spec, const vm::image::GuestImage& image,
                              const vm::HostFacts& facts, const NetworkPlan& plan) {
    DomainConfig c;
    c.name = spec.name;
    c.kvm = facts.kvm.usable;
    c.cpus = spec.cpus;
    c.memory_mb = spec.memory_mb;
    c.kernel = spec.machine_dir / "vmlinux";
    c.initrd = spec.machine_dir / "initrd.cpio";
    MINI_RETURN_IF_ERROR(Link(image.kernel, c.kernel));
    MINI_RETURN_IF_ERROR(Link(image.initrd, c.initrd));
    c.disk = Disk(spec);
    c.console_log = spec.console_log;
    c.mac = plan.mac;
    c.network = plan.name;
    c.uid = ::getuid();
    c.gid = ::getgid();
    // "dhcp" makes the guest ask dnsmasq, which answers with the address reserved for the
    // machine's MAC.
    MINI_ASSIGN_OR_RETURN(qemu::GuestConfig guest,
                          qemu::WriteGuestConfig(spec, {spec.apiserver_port, "dhcp"}));
    for (const qemu::GuestShare& s : guest.shares) c.shares.push_back({s.host, s.tag});
    for (const qemu::GuestFile& f : guest.files) c.fw_cfg.push_back({f.name, f.file});
    return c;
  }

  // The guest's clock stood still while it was paused: set it to the host's time again, or new
  // certificates would look not yet valid.
  void SyncGuestClock(const MachineSpec& spec) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    auto argv = ShellCommand(spec, {fmt::format("date -u -s @{} >/dev/null", now)});
    if (argv.ok()) (void)RunCommand(*argv, std::chrono::seconds(10));
  }
};

}  // namespace

vm::DriverPtr NewKvm2Driver() { return std::make_unique<Kvm2Driver>(); }

}  // namespace mini::drivers::kvm2
