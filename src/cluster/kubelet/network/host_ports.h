// hostPort: a container port that the node's own port forwards to, the CNI portmap plugin's
// job in a kubeadm cluster. Here one nftables map in the node's NAT table, keyed by protocol
// and port, holds every pod's forwards; the prerouting and output hooks DNAT what is addressed
// to one of the node's own addresses (127.0.0.1 included, by way of route_localnet on the
// bridge) through it. Not done: a pod reaching its own hostPort through the node (hairpin),
// which needs the bridge's traffic to pass netfilter. The pieces that compute the nft text are
// pure, so they are tested without touching the host.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::cluster::kubelet::network {

struct PortMapping {
  std::string protocol;  // nft's name: "tcp", "udp" or "sctp"
  int32_t host_port = 0;
  int32_t container_port = 0;
  friend bool operator==(const PortMapping&, const PortMapping&) = default;
};

/// The hostPorts of the pod's containers; none for a hostNetwork pod, whose ports are the
/// node's already. A port's hostIP is not honoured: the forward serves every node address.
std::vector<PortMapping> PortMappingsOf(const boost::json::object& pod);

/// The nft batch that makes (or, run again, repairs) the map and the hooks that use it in
/// `table` (family ip). Existing forwards stay.
std::string HostPortBaseRules(const std::string& table);

/// The nft batch forwarding `ports` to `pod_ip`.
std::string AddHostPortRules(const std::string& table, const std::string& pod_ip,
                             const std::vector<PortMapping>& ports);

/// The nft batch removing the forwards of `ports` to `pod_ip`; it succeeds whether they exist
/// or not, and fails rather than remove another address's forward.
std::string DeleteHostPortRules(const std::string& table, const std::string& pod_ip,
                                const std::vector<PortMapping>& ports);

/// The forwards of one pod, kept as a file so they are removed even after the agent restarted.
struct HostPortRecord {
  std::string pod_ip;
  std::vector<PortMapping> ports;
  friend bool operator==(const HostPortRecord&, const HostPortRecord&) = default;
};
/// The pod's IP on the first line, then "<protocol> <hostPort> <containerPort>" per forward.
std::string FormatHostPortRecord(const HostPortRecord& record);
/// kInvalidArgument naming the line that does not read as FormatHostPortRecord writes it.
Result<HostPortRecord> ParseHostPortRecord(const std::string& text);

/// The records under `state_dir` (the bridge network's), by sandbox id; unreadable ones are
/// skipped, as nothing could be done with them.
std::map<std::string, HostPortRecord> ReadHostPortRecords(const std::filesystem::path& state_dir);

/// Removes the forwards recorded under `state_dir` (the bridge network's) from `table`, for
/// the node's cleanup; a missing table or directory is not an error.
Status RemoveRecordedHostPorts(const std::filesystem::path& state_dir, const std::string& table);

}  // namespace mini::cluster::kubelet::network
