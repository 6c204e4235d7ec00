// The libvirt XML of a mini machine and of its private network, built from plain data so it
// can be tested without libvirt. The shape follows what docs/vm-boot.md measured under libvirt
// 9.0: a pc machine booting the guest image's PVH vmlinux directly, the configuration through
// fw_cfg, the serial console to a file, and one NIC on a NAT network of the profile's own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mini::drivers::kvm2 {

struct FwCfgEntry {
  std::string name;  // under opt/mini/
  std::filesystem::path file;
};

struct Share {
  std::filesystem::path host;
  std::string tag;  // what the guest mounts
};

struct DomainConfig {
  std::string name;
  std::string uuid;  // the defined domain's, when it is defined again; empty: a new one
  bool kvm = false;  // else TCG: <domain type='qemu'>
  int cpus = 2;
  int64_t memory_mb = 2048;
  std::filesystem::path kernel, initrd, disk, console_log;
  std::string mac, network;
  std::vector<FwCfgEntry> fw_cfg;
  std::vector<Share> shares;
  /// QEMU runs as this user, who owns the machine's files, so libvirt relabels none of them.
  uint32_t uid = 0, gid = 0;
};

std::string KernelCommandLine();
std::string DomainXml(const DomainConfig& config);

/// A /24 of the profile's own: the host is .1, the machine always .2 (a DHCP reservation for
/// its MAC), so its address is known before it boots and goes into the API server certificate.
/// Or an existing network (--kvm-network), where the machine's address is reserved the same
/// way, on an address of its DHCP range that nothing else holds.
struct NetworkPlan {
  std::string name;  // mini-<profile>, or the existing network's
  int third = 0;     // own network: 192.168.<third>.0/24
  std::string mac;
  bool own = true;       // made and removed by the driver
  std::string reserved;  // an existing network: the machine's address
  std::string host;      // an existing network: the host's address on it
  std::string HostIP() const { return own ? "192.168." + std::to_string(third) + ".1" : host; }
  std::string GuestIP() const { return own ? "192.168." + std::to_string(third) + ".2" : reserved; }
};

std::string NetworkXml(const NetworkPlan& plan, const std::string& host_name);

/// The <host/> element of a network's DHCP section that reserves `ip` for `mac`.
std::string DhcpHostXml(const std::string& mac, const std::string& host_name,
                        const std::string& ip);

/// The address to reserve for `mac` on an existing network, given its XML and the addresses it
/// has leased: the one already reserved for that MAC, else the highest of the first IPv4 DHCP
/// range that is neither reserved nor leased. nullopt when there is none.
std::optional<std::string> PickReservation(const std::string& network_xml, const std::string& mac,
                                           const std::vector<std::string>& leased);

/// The host's IPv4 address on a network, given its XML (the first IPv4 <ip address=...>).
std::optional<std::string> NetworkHostAddress(const std::string& network_xml);

/// The first 192.168.N.0/24, N from 39 (minikube's first), that no text in `taken` mentions
/// (libvirt networks' XML, the host's addresses); nullopt when all are taken.
std::optional<int> FreeSubnet(const std::vector<std::string>& taken);

/// A locally administered MAC in QEMU's 52:54:00 range, derived from `seed` (the profile).
std::string MacFor(const std::string& seed);

/// Escapes text for an XML attribute or element.
std::string XmlEscape(const std::string& text);

}  // namespace mini::drivers::kvm2
