// The bridged network of a qemu machine (--network=bridge, root only): a host bridge on a
// private /24 of the machine's own, a tap device for its NIC on that bridge, and an nftables
// table that masquerades what the guest sends elsewhere. The host reaches the guest at its
// own address, so no port is forwarded. Planned once and kept in <machine_dir>/network.json
// (the address goes into the API server's certificate), made again at each start when
// missing, removed with the machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/driver.h"

namespace mini::drivers::qemu {

inline constexpr char kBridgeNetwork[] = "bridge";

struct BridgePlan {
  std::string bridge, tap;  // interface names, at most 15 bytes
  std::string table;        // nftables table (family ip)
  int third = 0;            // 192.168.<third>.0/24
  std::string Subnet() const { return "192.168." + std::to_string(third) + ".0/24"; }
  std::string HostIP() const { return "192.168." + std::to_string(third) + ".1"; }
  std::string GuestIP() const { return "192.168." + std::to_string(third) + ".2"; }
};

/// An IPv4 network in use on the host: an interface's address or a route's destination.
struct Ipv4Net {
  uint32_t address = 0;  // host byte order
  int prefix = 32;
};
bool Overlap(const Ipv4Net& a, const Ipv4Net& b);

/// The first 192.168.N.0/24, N from 105 up (where minikube's qemu driver puts its vmnet
/// network), that overlaps nothing in `used`; default routes (prefix 0) do not count.
std::optional<int> FreeBridgeSubnet(const std::vector<Ipv4Net>& used);

/// The plan's names: from a hash of the machine directory, so two homes' profiles of one name
/// never share a bridge.
BridgePlan NamePlan(const std::string& machine_dir, int third);

/// The nft batch that (re)creates the plan's table in one transaction.
std::string MasqueradeBatch(const BridgePlan& plan);

/// The first IPv4 nameserver of a resolv.conf that the guest can reach (not a loopback one).
std::string GuestNameserver(const std::string& resolv_conf);

/// The nameserver the guest uses: the host's, from /etc/resolv.conf or else from
/// systemd-resolved's list of upstream servers; empty when there is none.
std::string HostNameserver();

/// The guest's "network" file line: "ADDRESS/24 GATEWAY DNS" (images/guest/init.sh).
std::string GuestNetworkLine(const BridgePlan& plan, const std::string& nameserver);

/// kFailedPrecondition with what to do instead unless mini runs as root.
Status RequireRoot();

/// The kept plan; kNotFound when the machine has none (QEMU's user network).
Result<BridgePlan> ReadBridgePlan(const vm::MachineSpec& spec);
/// The kept plan, or a new one on a /24 no host address, route or other machine's plan uses.
Result<BridgePlan> EnsureBridgePlan(const vm::MachineSpec& spec);

/// Makes what is missing: the bridge with the host's address, the tap on it, IPv4 forwarding
/// and the masquerade table. kFailedPrecondition when another interface took the subnet.
Status EnsureBridge(const vm::MachineSpec& spec, const BridgePlan& plan);
/// Removes the tap, the bridge and the table; OK for what is already gone.
Status RemoveBridge(const BridgePlan& plan);

}  // namespace mini::drivers::qemu
