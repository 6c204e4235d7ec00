// A pod's network: its own network namespace, joined to the node's bridge by a veth pair,
// with an address from the pod CIDR, a default route through the bridge, and masquerade for
// traffic leaving the node (the bridge CNI plugin's job in a kubeadm cluster), and the node's
// ports its containers ask for as hostPorts forwarded to it (the portmap plugin's). A small
// interface so the pod lifecycle is tested with a fake; the real one uses rtnetlink and nft.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cluster/kubelet/network/host_ports.h"
#include "cluster/kubelet/network/ipam.h"
#include "common/status.h"

namespace mini::cluster::kubelet::network {

struct PodAddress {
  std::string ip;
  std::filesystem::path netns;  // for the OCI spec's network namespace path
};

class PodNetwork {
 public:
  virtual ~PodNetwork() = default;
  /// Creates (or, after a restart, finds) the network of sandbox `id`, with the node's `ports`
  /// forwarded to it. Idempotent.
  virtual Result<PodAddress> Setup(const std::string& id,
                                   const std::vector<PortMapping>& ports) = 0;
  /// Removes the namespace, its interfaces, its port forwards and its address; idempotent.
  virtual Status Teardown(const std::string& id) = 0;
};

struct BridgeOptions {
  std::string bridge = "mini0";
  std::string nat_table = "mini-nat";  // nftables table (family ip): masquerade, hostPorts
  Cidr cidr;                      // the node's pod CIDR; the bridge holds its first address
  std::filesystem::path state_dir;  // IP claims, hostPort records, network namespace pins
};

/// Where the network namespace of pod sandbox `id` is pinned: in the state directory, which
/// is memory (a pin is a new inode, and a reboot ends the namespaces anyway).
inline std::filesystem::path NetnsPin(const std::filesystem::path& state_dir,
                                      const std::string& id) {
  return state_dir / "netns" / id;
}

/// The real network, as root. Prepares the bridge, forwarding and NAT on first use.
std::unique_ptr<PodNetwork> NewBridgeNetwork(BridgeOptions options);

}  // namespace mini::cluster::kubelet::network
