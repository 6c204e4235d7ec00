#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <system_error>

#include "cluster/kubelet/network/pod_network.h"
#include "common/command.h"
#include "common/files.h"
#include "net/netlink.h"
#include "net/nftables.h"

namespace mini::cluster::kubelet::network {
namespace fs = std::filesystem;
namespace netlink = net::netlink;
namespace {

// Interface names are limited to 15 bytes, so the host end of a pod's veth is named by a
// stable hash of the sandbox id.
std::string HostVeth(const std::string& id) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : id) hash = (hash ^ c) * 16777619u;
  return fmt::format("veth{:08x}", hash);
}

class BridgeNetwork final : public PodNetwork {
 public:
  explicit BridgeNetwork(BridgeOptions options)
      : options_(std::move(options)), ipam_(options_.state_dir / "ips", options_.cidr) {}

  Result<PodAddress> Setup(const std::string& id, const std::vector<PortMapping>& ports) override {
    MINI_RETURN_IF_ERROR(PrepareNode());
    MINI_ASSIGN_OR_RETURN(std::string ip, ipam_.Allocate(id));
    const fs::path netns = NetnsPin(options_.state_dir, id);
    Status made = Configure(id, netns, ip);
    if (made.ok()) made = ForwardPorts(id, ip, ports);
    if (!made.ok()) {
      (void)Teardown(id);
      return made.WithContext("setting up the network of pod sandbox {}", id);
    }
    return PodAddress{ip, netns};
  }

  Status Teardown(const std::string& id) override {
    std::error_code error;
    // The record, not the pod, says what to remove: the pod may be long gone.
    const fs::path record = RecordPath(id);
    if (auto text = ReadFile(record); text.ok()) {
      auto forwards = ParseHostPortRecord(*text);
      if (forwards.ok()) {
        MINI_RETURN_IF_ERROR(
            net::RunNftBatch(
                options_.state_dir / ("batch-" + id),
                DeleteHostPortRules(options_.nat_table, forwards->pod_ip, forwards->ports))
                .WithContext("removing the hostPorts of pod sandbox {}", id));
      } else {
        // Kept, it would fail every teardown; the next start of the agent rebuilds the map.
        spdlog::warn("pod sandbox {}: {}; its hostPorts stay until the node agent restarts",
                     id, forwards.status().message());
      }
      fs::remove(record, error);
    }
    MINI_RETURN_IF_ERROR(netlink::DeleteNetns(NetnsPin(options_.state_dir, id)));
    // Deleting the namespace deletes the pair, but not at once; a half-made setup may also
    // have left the host end. Either way it only has to be gone afterwards.
    MINI_ASSIGN_OR_RETURN(netlink::Socket host, netlink::Socket::Open());
    MINI_RETURN_IF_ERROR(host.DeleteLink(HostVeth(id)));
    return ipam_.Release(id);
  }

 private:
  fs::path RecordPath(const std::string& id) const {
    return options_.state_dir / "hostports" / id;
  }

  // Recorded before the rules go in, so a teardown finds whatever a cut-short setup added.
  Status ForwardPorts(const std::string& id, const std::string& ip,
                      const std::vector<PortMapping>& ports) {
    if (ports.empty()) return Status::Ok();
    MINI_RETURN_IF_ERROR(
        AtomicWriteFile(RecordPath(id), FormatHostPortRecord({ip, ports}), 0644, Durability::kVolatile));
    return net::RunNftBatch(options_.state_dir / ("batch-" + id),
                            AddHostPortRules(options_.nat_table, ip, ports))
        .WithContext("forwarding the hostPorts of pod sandbox {}", id);
  }

  // Over netlink, in-process: one socket in the host's namespace and one in the pod's. The
  // namespace and the pair are made only when missing, so a setup cut short, or found again
  // after an agent restart, is repaired rather than duplicated.
  Status Configure(const std::string& id, const fs::path& ns, const std::string& ip) {
    std::error_code error;
    const std::string veth = HostVeth(id);
    auto pod = fs::exists(ns, error) ? netlink::Socket::OpenIn(ns)
                                     : netlink::Socket::CreateNetns(ns);
    if (!pod.ok()) return pod.status();
    MINI_ASSIGN_OR_RETURN(netlink::Socket host, netlink::Socket::Open());
    MINI_ASSIGN_OR_RETURN(int eth0, pod->IfIndex("eth0"));
    if (eth0 == 0) {
      MINI_RETURN_IF_ERROR(host.DeleteLink(veth));
      MINI_RETURN_IF_ERROR(host.AddVeth(veth, "eth0", ns));
    }
    MINI_RETURN_IF_ERROR(host.SetUp(veth, options_.bridge));
    MINI_RETURN_IF_ERROR(
        pod->ReplaceAddress("eth0", fmt::format("{}/{}", ip, options_.cidr.prefix)));
    MINI_RETURN_IF_ERROR(pod->SetUp("eth0"));
    MINI_RETURN_IF_ERROR(pod->SetUp("lo"));
    return pod->ReplaceDefaultRoute(options_.cidr.Gateway());
  }

  // The bridge with the gateway address, forwarding, and masquerade for traffic that leaves
  // the pod CIDR: once per process, idempotent across restarts.
  Status PrepareNode() {
    std::lock_guard lock(mutex_);
    if (prepared_) return Status::Ok();
    const std::string& bridge = options_.bridge;
    MINI_ASSIGN_OR_RETURN(netlink::Socket host, netlink::Socket::Open());
    MINI_RETURN_IF_ERROR(host.AddBridge(bridge));
    MINI_RETURN_IF_ERROR(host.ReplaceAddress(
        bridge, fmt::format("{}/{}", options_.cidr.Gateway(), options_.cidr.prefix)));
    MINI_RETURN_IF_ERROR(host.SetUp(bridge));
    MINI_RETURN_IF_ERROR(netlink::SetSysctl("net/ipv4/ip_forward", "1"));
    // A hostPort reached at 127.0.0.1 leaves through the bridge with that source, which the
    // kernel drops as martian unless the bridge may route it; the masquerade below then gives
    // it the gateway's address, which the pod can answer.
    MINI_RETURN_IF_ERROR(
        netlink::SetSysctl(fmt::format("net/ipv4/conf/{}/route_localnet", bridge), "1"));
    const std::string range = fmt::format("{}/{}", options_.cidr.Address(0), options_.cidr.prefix);
    const std::string& table = options_.nat_table;
    for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
             {"nft", "add", "table", "ip", table},
             {"nft", "add", "chain", "ip", table, "postrouting",
              "{ type nat hook postrouting priority srcnat; policy accept; }"},
             {"nft", "flush", "chain", "ip", table, "postrouting"},
             {"nft", "add", "rule", "ip", table, "postrouting", "ip", "saddr", range, "ip",
              "daddr", "!=", range, "masquerade"},
             {"nft", "add", "rule", "ip", table, "postrouting", "ip", "saddr", "127.0.0.0/8",
              "ip", "daddr", range, "masquerade"}}) {
      MINI_RETURN_IF_ERROR(RunChecked(argv).status().WithContext("programming pod NAT"));
    }
    // The forwards are made again from the records, so a forward whose removal was lost (the
    // host's state edited, a crash between the two) does not keep its port from a new pod.
    std::string forwards =
        HostPortBaseRules(table) + fmt::format("flush map ip {} hostports\n", table);
    for (const auto& [id, record] : ReadHostPortRecords(options_.state_dir)) {
      forwards += AddHostPortRules(table, record.pod_ip, record.ports);
    }
    MINI_RETURN_IF_ERROR(net::RunNftBatch(options_.state_dir / "batch-hostports", forwards)
                             .WithContext("programming hostPort forwarding"));
    prepared_ = true;
    return Status::Ok();
  }

  BridgeOptions options_;
  Ipam ipam_;
  std::mutex mutex_;
  bool prepared_ = false;
};

}  // namespace

std::unique_ptr<PodNetwork> NewBridgeNetwork(BridgeOptions options) {
  return std::make_unique<BridgeNetwork>(std::move(options));
}

}  // namespace mini::cluster::kubelet::network
