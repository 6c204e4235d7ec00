#include "drivers/kvm2/network.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <boost/json.hpp>
#include <thread>

#include "common/files.h"
#include "common/json.h"

namespace mini::drivers::kvm2 {
namespace json = boost::json;

namespace {

std::filesystem::path PlanFile(const vm::MachineSpec& spec) {
  return spec.machine_dir / "network.json";
}

std::vector<std::string> HostAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    out.push_back(std::string(text) + "/");
  }
  ::freeifaddrs(list);
  return out;
}

std::vector<std::string> LeasedAddresses(const LibvirtApi& api, virNetworkPtr net) {
  std::vector<std::string> out;
  virNetworkDHCPLeasePtr* leases = nullptr;
  int n = api.virNetworkGetDHCPLeases(net, nullptr, &leases, 0);
  for (int i = 0; i < n; ++i) {
    if (leases[i]->ipaddr != nullptr) out.emplace_back(leases[i]->ipaddr);
    api.virNetworkDHCPLeaseFree(leases[i]);
  }
  ::free(leases);
  return out;
}

Status StartNetwork(const Libvirt& virt, virNetworkPtr net, const std::string& name,
                    const std::string& advice) {
  if (virt.api().virNetworkIsActive(net) == 1) return Status::Ok();
  if (virt.api().virNetworkCreate(net) != 0) {
    return virt.Failed(Code::kFailedPrecondition, "starting the network " + name)
        .WithAdvice(advice)
        .WithReason("DRV_KVM2_NETWORK");
  }
  return Status::Ok();
}

// A change to the network's DHCP hosts, in the running network and in its definition (which
// a transient network has not: then in the running one only).
Status UpdateDhcpHost(const Libvirt& virt, virNetworkPtr net, unsigned command,
                      const std::string& xml) {
  const LibvirtApi& api = virt.api();
  const unsigned section = VIR_NETWORK_SECTION_IP_DHCP_HOST;
  unsigned flags = VIR_NETWORK_UPDATE_AFFECT_CONFIG;
  if (api.virNetworkIsActive(net) == 1) flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;
  if (api.virNetworkUpdate(net, command, section, -1, xml.c_str(), flags) == 0) return Status::Ok();
  if ((flags & VIR_NETWORK_UPDATE_AFFECT_LIVE) &&
      api.virNetworkUpdate(net, command, section, -1, xml.c_str(),
                           VIR_NETWORK_UPDATE_AFFECT_LIVE) == 0) {
    return Status::Ok();
  }
  return virt.Failed(Code::kFailedPrecondition, "changing the DHCP hosts of the network");
}

std::string Xml(const Libvirt& virt, virNetworkPtr net) {
  char* xml = virt.api().virNetworkGetXMLDesc(net, 0);
  std::string text = xml ? xml : "";
  ::free(xml);
  return text;
}

bool HasHost(const Libvirt& virt, virNetworkPtr net, const std::string& mac) {
  return Xml(virt, net).find("<host mac='" + mac + "'") != std::string::npos;
}

// Made at each start: a network restarted without its definition (a transient one) forgot it.
Status Reserve(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name) {
  NetworkPtr net = virt.FindNetwork(plan.name);
  if (!net) {
    return Error(Code::kNotFound, "the libvirt network \"{}\" (--kvm-network) is gone", plan.name)
        .WithAdvice("define it again, or \"mini delete -p " + host_name + "\" and start anew")
        .WithReason("DRV_KVM2_NETWORK");
  }
  MINI_RETURN_IF_ERROR(StartNetwork(virt, net.get(), plan.name, "see libvirtd's log"));
  if (HasHost(virt, net.get(), plan.mac)) {
    if (PickReservation(Xml(virt, net.get()), plan.mac, {}) == plan.reserved) return Status::Ok();
    return Error(Code::kFailedPrecondition,
                 "the network {} reserves another address than {} "
                 "for the machine's MAC {}",
                 plan.name, plan.reserved, plan.mac)
        .WithAdvice("remove that reservation (virsh net-edit " + plan.name + ")")
        .WithReason("DRV_KVM2_NETWORK");
  }
  return UpdateDhcpHost(virt, net.get(), VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                        DhcpHostXml(plan.mac, host_name, plan.reserved))
      .WithContext("reserving {} on the network {}", plan.reserved, plan.name)
      .WithAdvice("see libvirtd's log")
      .WithReason("DRV_KVM2_NETWORK");
}

Result<NetworkPlan> PlanOnExisting(const Libvirt& virt, const vm::MachineSpec& spec) {
  const std::string& name = spec.kvm_network;
  NetworkPtr net = virt.FindNetwork(name);
  if (!net) {
    return Error(Code::kNotFound, "the libvirt network \"{}\" (--kvm-network) does not exist", name)
        .WithAdvice(
            "see the networks with `virsh net-list --all`, or leave out --kvm-network "
            "for a network of the machine's own")
        .WithReason("DRV_KVM2_NETWORK");
  }
  MINI_RETURN_IF_ERROR(StartNetwork(virt, net.get(), name, "see libvirtd's log"));
  NetworkPlan p{name, 0, MacFor(spec.name), false, "", ""};
  const std::string xml = Xml(virt, net.get());
  std::optional<std::string> host = NetworkHostAddress(xml);
  if (!host) {
    return Error(Code::kFailedPrecondition,
                 "the libvirt network {} has no IPv4 address on the host, so the machine could "
                 "not reach the host on it",
                 name)
        .WithAdvice("give it one (virsh net-edit " + name + "), or leave out --kvm-network")
        .WithReason("DRV_KVM2_NETWORK");
  }
  p.host = *host;
  std::optional<std::string> ip = PickReservation(xml, p.mac, LeasedAddresses(virt.api(), net.get()));
  if (!ip) {
    return Error(Code::kResourceExhausted,
                 "the network {} has no free IPv4 address to give the "
                 "machine by DHCP",
                 name)
        .WithAdvice("widen its DHCP range (virsh net-edit " + name +
                    "), or leave out --kvm-network")
        .WithReason("DRV_KVM2_NETWORK");
  }
  p.reserved = *ip;
  return p;
}

}  // namespace

Result<NetworkPlan> ReadPlan(const vm::MachineSpec& spec) {
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PlanFile(spec)));
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PlanFile(spec).string()));
  if (!v.is_object()) return Error(Code::kInvalidArgument, "{} is damaged", PlanFile(spec).string());
  const json::object& o = v.get_object();
  NetworkPlan p;
  MINI_ASSIGN_OR_RETURN(p.name, GetString(o, "name"));
  MINI_ASSIGN_OR_RETURN(p.mac, GetString(o, "mac"));
  // Plans written before --kvm-network are of the machine's own network.
  if (const json::value* reserved = o.if_contains("reserved"); reserved && reserved->is_string()) {
    p.own = false;
    p.reserved = reserved->get_string();
    if (const json::value* host = o.if_contains("host"); host && host->is_string()) {
      p.host = host->get_string();
    }
    return p;
  }
  MINI_ASSIGN_OR_RETURN(int64_t third, GetInt(o, "subnet"));
  p.third = static_cast<int>(third);
  return p;
}

Result<NetworkPlan> EnsurePlan(const Libvirt& virt, const vm::MachineSpec& spec) {
  if (auto kept = ReadPlan(spec); kept.ok()) return kept;
  if (!spec.kvm_network.empty()) {
    MINI_ASSIGN_OR_RETURN(NetworkPlan p, PlanOnExisting(virt, spec));
    json::value v = {{"name", p.name}, {"mac", p.mac}, {"reserved", p.reserved}, {"host", p.host}};
    MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
    MINI_RETURN_IF_ERROR(AtomicWriteFile(PlanFile(spec), PrettyJson(v), 0600));
    return p;
  }
  std::vector<std::string> taken = virt.NetworkXmls();
  for (std::string& a : HostAddresses()) taken.push_back(std::move(a));
  std::optional<int> third = FreeSubnet(taken);
  if (!third) {
    return Error(Code::kResourceExhausted, "no 192.168.N.0/24 is free for the network mini-{}",
                 spec.name)
        .WithAdvice("delete unused libvirt networks (virsh net-list --all)")
        .WithReason("DRV_KVM2_NETWORK");
  }
  NetworkPlan p{"mini-" + spec.name, *third, MacFor(spec.name)};
  json::value v = {{"name", p.name}, {"subnet", p.third}, {"mac", p.mac}};
  MINI_RETURN_IF_ERROR(MakeDirs(spec.machine_dir, 0700));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(PlanFile(spec), PrettyJson(v), 0600));
  return p;
}

Status EnsureNetwork(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name) {
  if (!plan.own) return Reserve(virt, plan, host_name);
  const LibvirtApi& api = virt.api();
  NetworkPtr net = virt.FindNetwork(plan.name);
  if (!net) {
    std::string xml = NetworkXml(plan, host_name);
    net = NetworkPtr(api.virNetworkDefineXML(virt.conn(), xml.c_str()), api.virNetworkFree);
    if (!net) {
      return virt.Failed(Code::kFailedPrecondition, "defining the network " + plan.name)
          .WithAdvice("see the libvirtd log; a subnet clash is fixed by \"mini delete\"")
          .WithReason("DRV_KVM2_NETWORK");
    }
  }
  return StartNetwork(
      virt, net.get(), plan.name,
      "dnsmasq-base must be installed, and no other bridge may use " + plan.HostIP() + "/24");
}

Status ReleaseNetwork(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name) {
  const std::string& name = plan.name;
  NetworkPtr net = virt.FindNetwork(name);
  if (!plan.own) {
    // Not ours to remove: only the reservation goes, if it is still there.
    if (!net || !HasHost(virt, net.get(), plan.mac)) return Status::Ok();
    return UpdateDhcpHost(virt, net.get(), VIR_NETWORK_UPDATE_COMMAND_DELETE,
                          DhcpHostXml(plan.mac, host_name, plan.reserved))
        .WithContext("removing the reservation of {} from the network {}", plan.reserved, name);
  }
  if (!net) return Status::Ok();
  if (virt.api().virNetworkIsActive(net.get()) == 1 && virt.api().virNetworkDestroy(net.get()) != 0) {
    return virt.Failed(Code::kInternal, "stopping the network " + name);
  }
  if (virt.api().virNetworkUndefine(net.get()) != 0) {
    return virt.Failed(Code::kInternal, "removing the network " + name);
  }
  return Status::Ok();
}

Result<std::string> WaitForLease(const Libvirt& virt, virDomainPtr domain, const std::string& mac,
                                 std::chrono::milliseconds timeout) {
  const LibvirtApi& api = virt.api();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    virDomainInterfacePtr* ifaces = nullptr;
    int n = api.virDomainInterfaceAddresses(domain, &ifaces, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, 0);
    std::string ip;
    for (int i = 0; i < n; ++i) {
      if (ifaces[i]->hwaddr != nullptr && mac == ifaces[i]->hwaddr) {
        for (unsigned j = 0; j < ifaces[i]->naddrs && ip.empty(); ++j) {
          if (ifaces[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4) ip = ifaces[i]->addrs[j].addr;
        }
      }
      api.virDomainInterfaceFree(ifaces[i]);
    }
    ::free(ifaces);
    if (!ip.empty()) return ip;
    if (std::chrono::steady_clock::now() > deadline) {
      return Error(Code::kDeadlineExceeded, "the machine got no address by DHCP within {} s",
                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace mini::drivers::kvm2
