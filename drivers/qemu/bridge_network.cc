#include "drivers/qemu/bridge_network.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "common/files.h"
#include "common/json.h"
#include "net/netlink.h"
#include "net/nftables.h"

namespace mini::drivers::qemu {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr int kFirstThird = 105;

fs::path PlanFile(const vm::MachineSpec& spec) { return spec.machine_dir / "network.json"; }

std::optional<uint32_t> ParseIpv4(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

int PrefixOf(uint32_t mask) { return mask == 0 ? 0 : __builtin_popcount(mask); }

// Every IPv4 address of the host's interfaces, with the interface's name.
std::vector<std::pair<std::string, Ipv4Net>> HostAddresses() {
  std::vector<std::pair<std::string, Ipv4Net>> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    uint32_t mask = a->ifa_netmask
                        ? ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr)
                        : ~0u;
    out.push_back(
        {a->ifa_name,
         {ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr), PrefixOf(mask)}});
  }
  ::freeifaddrs(list);
  return out;
}

// The destinations of the main routing table: a VPN's routes use a subnet without an address
// of the host's in it.
std::vector<Ipv4Net> HostRoutes() {
  std::vector<Ipv4Net> out;
  auto text = ReadFile("/proc/net/route");
  if (!text.ok()) return out;
  std::istringstream lines(*text);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
    if (!(fields >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask)) continue;
    // Hexadecimal in network byte order, as the kernel holds it.
    uint32_t d = ntohl(static_cast<uint32_t>(std::strtoul(dest.c_str(), nullptr, 16)));
    uint32_t m = ntohl(static_cast<uint32_t>(std::strtoul(mask.c_str(), nullptr, 16)));
    out.push_back({d, PrefixOf(m)});
  }
  return out;
}

Ipv4Net Slash24(int third) {
  return {(192u << 24) | (168u << 16) | (static_cast<uint32_t>(third) << 8), 24};
}

// The subnets other machines of this home keep in their plans (kvm2's too: both name it
// "subnet"), which their bridges may not hold now (stopped, or the host rebooted).
std::vector<Ipv4Net> PlannedSubnets(const vm::MachineSpec& spec) {
  std::vector<Ipv4Net> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(spec.machine_dir.parent_path(), ec)) {
    if (entry.path() == spec.machine_dir) continue;
    auto text = ReadFile(entry.path() / "network.json");
    if (!text.ok()) continue;
    auto v = ParseJson(*text, "network.json");
    if (!v.ok() || !v->is_object()) continue;
    auto third = GetInt(v->get_object(), "subnet");
    if (third.ok()) out.push_back(Slash24(static_cast<int>(*third)));
  }
  return out;
}

}  // namespace

bool Overlap(const Ipv4Net& a, const Ipv4Net& b) {
  int prefix = std::min(a.prefix, b.prefix);
  uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
  return (a.address & mask) == (b.address & mask);
}

std::optional<int> FreeBridgeSubnet(const std::vector<Ipv4Net>& used) {
  for (int third = kFirstThird; third < 255; ++third) {
    bool taken = false;
    for (const Ipv4Net& u : used) taken = taken || (u.prefix > 0 && Overlap(u, Slash24(third)));
    if (!taken) return third;
  }
  return std::nullopt;
}

BridgePlan NamePlan(const std::string& machine_dir, int third) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : machine_dir) hash = (hash ^ c) * 16777619u;
  std::string id = fmt::format("{:08x}", hash);
  return {"mini-q" + id, "mini-t" + id, "mini-q" + id, third};
}

std::string MasqueradeBatch(const BridgePlan& p) {
  // Declaring the table first makes the delete succeed when it does not exist yet.
  return fmt::format(
      "table ip {0} {{}}\ndelete table ip {0}\n"
      "table ip {0} {{\n  chain postrouting {{\n"
      "    type nat hook postrouting priority srcnat; policy accept;\n"
      "    ip saddr {1} ip daddr != {1} masquerade\n  }}\n}}\n",
      p.table, p.Subnet());
}

std::string GuestNameserver(const std::string& resolv_conf) {
  std::istringstream lines(resolv_conf);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string key, address;
    if (!(fields >> key >> address) || key != "nameserver") continue;
    auto ip = ParseIpv4(address);
    if (ip && (*ip >> 24) != 127) return address;
  }
  return "";
}

std::string HostNameserver() {
  for (const char* file : {"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"}) {
    auto text = ReadFile(file);
    if (!text.ok()) continue;
    if (std::string ns = GuestNameserver(*text); !ns.empty()) return ns;
  }
  return "";
}

std::string GuestNetworkLine(const BridgePlan& plan, const std::string& nameserver) {
  return fmt::format("{}/24 {} {}", plan.GuestIP(), plan.HostIP(), nameserver);
}

Status RequireRoot() {
  if (::geteuid() == 0) return Status::Ok();
  // The exit code of the native driver's refusal to run without root.
  return Error(Code::kFailedPrecondition,
               "--network=bridge needs root: it makes a bridge, a tap device and NAT rules on "
               "this host")
      .WithAdvice(
          "run mini as root (sudo -E mini ...), or start the machine with --network=user, which "
          "needs no root and forwards the API server from 127.0.0.1")
      .WithReason("DRV_NEEDS_ROOT");
}

Result<BridgePlan> ReadBridgePlan(const vm::MachineSpec& spec) {
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PlanFile(spec)));
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PlanFile(spec).string()));
  if (!v.is_object())
    return Error(Code::kInvalidArgument, "{} is damaged", PlanFile(spec).string());
  BridgePlan p;
  MINI_ASSIGN_OR_RETURN(p.bridge, GetString(v.get_object(), "bridge"));
  MINI_ASSIGN_OR_RETURN(p.tap, GetString(v.get_object(), "tap"));
  MINI_ASSIGN_OR_RETURN(p.table, GetString(v.get_object(), "table"));
  MINI_ASSIGN_OR_RETURN(int64_t third, GetInt(v.get_object(), "subnet"));
  p.third = static_cast<int>(third);
  return p;
}

Result<BridgePlan> EnsureBridgePlan(const vm::MachineSpec& spec) {
  MINI_RETURN_IF_ERROR(RequireRoot());
  if (auto kept = ReadBridgePlan(spec); kept.ok()) return kept;
  std::vector<Ipv4Net> used = HostRoutes();
  for (const auto& [name, net] : HostAddresses()) used.push_back(net);
  for (const Ipv4Net& n : PlannedSubnets(spec)) used.push_back(n);
  std::optional<int> third = FreeBridgeSubnet(used);
  if (!third) {
    return Error(Code::kResourceExhausted, "no 192.168.N.0/24 is free for the machine's bridge")
        .WithAdvice("delete machines or networks that use 192.168.105-254.0/24")
        .WithReason("DRV_QEMU_NETWORK");
  }
  BridgePlan p = NamePlan(spec.machine_dir.string(), *third);
  json::value v = {{"network", kBridgeNetwork},
                   {"bridge", p.bridge},
                   {"tap", p.tap},
                   {"table", p.table},
                   {"subnet", p.third}};
  MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(PlanFile(spec), PrettyJson(v), 0600));
  return p;
}

Status EnsureBridge(const vm::MachineSpec& spec, const BridgePlan& plan) {
  MINI_RETURN_IF_ERROR(RequireRoot());
  for (const auto& [name, net] : HostAddresses()) {
    if (name != plan.bridge && Overlap(net, Slash24(plan.third))) {
      return Error(Code::kFailedPrecondition,
                   "{} already has an address in the machine's network {}", name, plan.Subnet())
          .WithAdvice(fmt::format("remove that address, or \"mini delete -p {}\" and start again "
                                  "for another subnet",
                                  spec.name))
          .WithReason("DRV_QEMU_NETWORK");
    }
  }
  auto made = [&]() -> Status {
    MINI_ASSIGN_OR_RETURN(net::netlink::Socket host, net::netlink::Socket::Open());
    MINI_RETURN_IF_ERROR(host.AddBridge(plan.bridge));
    MINI_RETURN_IF_ERROR(host.ReplaceAddress(plan.bridge, plan.HostIP() + "/24"));
    MINI_RETURN_IF_ERROR(host.SetUp(plan.bridge));
    MINI_RETURN_IF_ERROR(net::netlink::CreateTap(plan.tap));
    MINI_RETURN_IF_ERROR(host.SetUp(plan.tap, plan.bridge));
    // Never turned off again: other networks (libvirt's, the native driver's pods) may rely on
    // it by then, as they leave it on too.
    MINI_RETURN_IF_ERROR(net::netlink::SetSysctl("net/ipv4/ip_forward", "1"));
    return net::RunNftBatch(spec.machine_dir / "nft-batch", MasqueradeBatch(plan));
  }();
  return made.WithContext("setting up the bridge {}", plan.bridge).WithReason("DRV_QEMU_NETWORK");
}

Status RemoveBridge(const BridgePlan& plan) {
  MINI_RETURN_IF_ERROR(RequireRoot());
  MINI_ASSIGN_OR_RETURN(net::netlink::Socket host, net::netlink::Socket::Open());
  MINI_RETURN_IF_ERROR(host.DeleteLink(plan.tap));
  MINI_RETURN_IF_ERROR(host.DeleteLink(plan.bridge));
  return net::DeleteNftTable("ip", plan.table);
}

}  // namespace mini::drivers::qemu
