#include "cluster/kubelet/node_cleanup.h"

#include <fmt/format.h>
#include <sys/mount.h>

#include <system_error>

#include "cluster/kubelet/network/pod_network.h"
#include "cluster/kubelet/run_dir.h"
#include "cluster/kubelet/volumes/empty_dir.h"
#include "common/command.h"
#include "common/files.h"
#include "net/netlink.h"
#include "net/nftables.h"

namespace mini::cluster::kubelet {
namespace fs = std::filesystem;
namespace netlink = net::netlink;

Status CleanupNode(const fs::path& data_dir) {
  std::error_code error;
  const fs::path run = RunDir(data_dir);
  const std::string crun_root = (run / "crun").string();
  for (const auto& entry : fs::directory_iterator(run / "containers", error)) {
    const std::string id = entry.path().filename().string();
    (void)RunCommand({"crun", "--root", crun_root, "kill", id, "KILL"});
    (void)RunCommand({"crun", "--root", crun_root, "delete", "-f", id});
    // Detached, so a root still busy for a moment does not keep the directory.
    umount2((entry.path() / "bundle" / "rootfs").c_str(), MNT_DETACH);
  }
  // Memory-backed volumes, so the pods' directories can go with the node's data.
  for (const fs::path& pods : {run / "pods", data_dir / "pods"}) {
    for (const auto& entry : fs::directory_iterator(pods, error)) {
      MINI_RETURN_IF_ERROR(volumes::UnmountVolumes(entry.path()));
    }
  }
  // The forwards go before the claims: the node's ports must not lead to addresses reused later.
  MINI_RETURN_IF_ERROR(
      network::RemoveRecordedHostPorts(run / "network", network::BridgeOptions{}.nat_table));
  // Each address claim names the sandbox that holds it, and so its network namespace.
  for (const auto& entry : fs::directory_iterator(run / "network" / "ips", error)) {
    auto owner = ReadFile(entry.path());
    if (!owner.ok() || owner->empty()) continue;
    MINI_RETURN_IF_ERROR(netlink::DeleteNetns(network::NetnsPin(run / "network", *owner)));
    fs::remove(entry.path(), error);
  }
  UnmountRunDir(data_dir);
  // Last the bridge and the NAT table, which the next start makes again, unless pods of
  // another node on this host still hang off the bridge.
  const network::BridgeOptions shared;
  const fs::path members = fs::path("/sys/class/net") / shared.bridge / "brif";
  if (fs::exists(members, error) && fs::is_empty(members, error)) {
    MINI_ASSIGN_OR_RETURN(netlink::Socket host, netlink::Socket::Open());
    MINI_RETURN_IF_ERROR(host.DeleteLink(shared.bridge));
    (void)net::DeleteNftTable("ip", shared.nat_table);
  }
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet
