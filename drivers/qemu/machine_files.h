// The files a qemu machine keeps in its directory, and what they hold: the data disk, the
// forwarded ports (kept across restarts, so kubeconfig stays valid), the ssh keys.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/driver.h"
#include "vm/host_facts.h"
#include "vm/image/guest_image.h"

namespace mini::drivers::qemu {

inline std::filesystem::path PidFile(const vm::MachineSpec& s) { return s.machine_dir / "qemu.pid"; }
inline std::filesystem::path PortsFile(const vm::MachineSpec& s) { return s.machine_dir / "ports.json"; }
inline std::filesystem::path Disk(const vm::MachineSpec& s) { return s.machine_dir / "disk.raw"; }
inline std::filesystem::path SshKey(const vm::MachineSpec& s) { return s.machine_dir / "id_ed25519"; }
inline std::filesystem::path HostKey(const vm::MachineSpec& s) { return s.machine_dir / "host_ed25519"; }
inline std::filesystem::path QmpSocket(const vm::MachineSpec& s) { return s.machine_dir / "qmp.sock"; }
inline std::filesystem::path QemuLog(const vm::MachineSpec& s) { return s.machine_dir / "qemu.log"; }

struct Ports {
  uint16_t api = 0, ssh = 0;
  std::vector<vm::PortMapping> extra;  // --ports, as QEMU forwards them now
};

Status WritePorts(const vm::MachineSpec& spec, const Ports& p);
Result<Ports> ReadPorts(const vm::MachineSpec& spec);
/// Whether nothing listens on 127.0.0.1:port (0 is never free).
bool Free(uint16_t port);
/// The ports of this boot: --apiserver-port when given (kFailedPrecondition when taken), else
/// the last boot's when still free, else any free port; --ports must be free.
Result<Ports> ChoosePorts(const vm::MachineSpec& spec);

/// The profile's login key and the guest's host key (made here, so the client knows it from
/// the first connection), with the known_hosts file dbclient reads.
Status EnsureSshKeys(const vm::MachineSpec& spec);

/// Makes the guest's host key known under `host`, the address ssh reaches the machine at.
Status WriteKnownHosts(const vm::MachineSpec& spec, const std::string& host);

/// Runs `command` (a shell when empty) as root in the machine at host:port, over ssh with the
/// profile's key (dropbear's client; -T when stdin is no terminal to put in raw mode).
std::vector<std::string> SshCommand(const vm::MachineSpec& spec, const std::string& host,
                                    uint16_t port, const std::vector<std::string>& command);

/// The sparse data disk of spec.disk_size_mb, unless it exists.
Status CreateDisk(const vm::MachineSpec& spec);

/// What a QEMU guest boots with: the guest image (built or found in the cache) and the host's
/// facts (is KVM usable). Says so when the guest will run under software emulation.
struct GuestBoot {
  vm::image::GuestImage image;
  vm::HostFacts facts;
};
Result<GuestBoot> PrepareGuestBoot(const vm::MachineSpec& spec);

}  // namespace mini::drivers::qemu
