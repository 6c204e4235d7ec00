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

}  // namespace

Result<NetworkPlan> ReadPlan(const vm::MachineSpec& spec) {
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PlanFile(spec)));
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PlanFile(spec).string()));
  if (!v.is_object()) return Error(Code::kInvalidArgument, "{} is damaged", PlanFile(spec).string());
  NetworkPlan p;
  MINI_ASSIGN_OR_RETURN(p.name, GetString(v.get_object(), "name"));
  MINI_ASSIGN_OR_RETURN(int64_t third, GetInt(v.get_object(), "subnet"));
  MINI_ASSIGN_OR_RETURN(p.mac, GetString(v.get_object(), "mac"));
  p.third = static_cast<int>(third);
  return p;
}

Result<NetworkPlan> EnsurePlan(const Libvirt& virt, const vm::MachineSpec& spec) {
  if (auto kept = ReadPlan(spec); kept.ok()) return kept;
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
  if (api.virNetworkIsActive(net.get()) == 1) return Status::Ok();
  if (api.virNetworkCreate(net.get()) != 0) {
    return virt.Failed(Code::kFailedPrecondition, "starting the network " + plan.name)
        .WithAdvice("dnsmasq-base must be installed, and no other bridge may use " +
                    plan.HostIP() + "/24")
        .WithReason("DRV_KVM2_NETWORK");
  }
  return Status::Ok();
}

Status RemoveNetwork(const Libvirt& virt, const std::string& name) {
  NetworkPtr net = virt.FindNetwork(name);
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
