#include "net/netlink.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "common/files.h"

namespace mini::net::netlink {
namespace fs = std::filesystem;

namespace {

Status NetlinkError(int error, const std::string& what) {
  return Status(Code::kInternal, what + ": " + nl_geterror(error));
}

Status SystemError(const std::string& what) {
  return Status(Code::kInternal, what + ": " + std::strerror(errno));
}

bool IsMissing(int error) { return error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV; }

// A namespace belongs to a thread, not a process: the work that must happen inside one runs
// on a thread of its own, so no other thread ever leaves the host's namespace.
template <typename Work>
auto OnOwnThread(Work work) -> decltype(work()) {
  std::optional<decltype(work())> result;
  std::thread([&] { result.emplace(work()); }).join();
  return std::move(*result);
}

// Holds an open file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

void Socket::Deleter::operator()(nl_sock* sock) const { nl_socket_free(sock); }

Result<Socket> Socket::Open() {
  nl_sock* sock = nl_socket_alloc();
  if (sock == nullptr) return Status(Code::kResourceExhausted, "allocating a netlink socket");
  Socket socket(sock);
  if (int error = nl_connect(sock, NETLINK_ROUTE); error < 0) {
    return NetlinkError(error, "connecting a route socket");
  }
  return socket;
}

Result<Socket> Socket::OpenIn(const fs::path& pin) {
  Fd ns{open(pin.c_str(), O_RDONLY | O_CLOEXEC)};
  if (ns.fd < 0) return SystemError("opening network namespace " + pin.string());
  return OnOwnThread([&]() -> Result<Socket> {
    if (setns(ns.fd, CLONE_NEWNET) != 0) {
      return SystemError("entering network namespace " + pin.string());
    }
    return Open();
  });
}

Result<Socket> Socket::CreateNetns(const fs::path& pin) {
  MINI_RETURN_IF_ERROR(MakeDirs(pin.parent_path()));
  {
    Fd created{open(pin.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)};
    if (created.fd < 0) return SystemError("creating " + pin.string());
  }
  Result<Socket> socket = OnOwnThread([&]() -> Result<Socket> {
    if (unshare(CLONE_NEWNET) != 0) {
      return SystemError("creating network namespace " + pin.string());
    }
    if (mount("/proc/thread-self/ns/net", pin.c_str(), "none", MS_BIND, nullptr) != 0) {
      return SystemError("pinning network namespace " + pin.string());
    }
    return Open();
  });
  if (!socket.ok()) (void)DeleteNetns(pin);
  return socket;
}

Status DeleteNetns(const fs::path& pin) {
  umount2(pin.c_str(), MNT_DETACH);  // fails harmlessly when nothing is pinned there
  if (unlink(pin.c_str()) != 0 && errno != ENOENT) return SystemError("removing " + pin.string());
  return Status::Ok();
}

Status SetSysctl(const std::string& name, const std::string& value) {
  // Written in place: a /proc/sys file cannot be replaced by a rename.
  const fs::path path = fs::path("/proc/sys") / name;
  std::ofstream out(path);
  out << value;
  out.close();
  if (!out) return Status(Code::kInternal, "cannot write " + path.string());
  return Status::Ok();
}

Status CreateTap(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return Status(Code::kInvalidArgument, "invalid interface name \"" + name + "\"");
  }
  Fd tun{open("/dev/net/tun", O_RDWR | O_CLOEXEC)};
  if (tun.fd < 0) return SystemError("opening /dev/net/tun");
  ifreq request{};
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::memcpy(request.ifr_name, name.data(), name.size());
  // Attaching to an existing persistent tap of that name succeeds too, which makes this
  // idempotent.
  if (ioctl(tun.fd, TUNSETIFF, &request) != 0) return SystemError("creating tap device " + name);
  if (ioctl(tun.fd, TUNSETPERSIST, 1) != 0) return SystemError("keeping tap device " + name);
  return Status::Ok();
}

Result<int> Socket::IfIndex(const std::string& name) {
  rtnl_link* link = nullptr;
  int error = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &link);
  if (IsMissing(error)) return 0;
  if (error < 0) return NetlinkError(error, "looking up interface " + name);
  int index = rtnl_link_get_ifindex(link);
  rtnl_link_put(link);
  return index;
}

Status Socket::AddBridge(const std::string& name) {
  int error = rtnl_link_bridge_add(sock_.get(), name.c_str());
  if (error < 0 && error != -NLE_EXIST) return NetlinkError(error, "creating bridge " + name);
  return Status::Ok();
}

Status Socket::AddVeth(const std::string& name, const std::string& peer_name,
                       const fs::path& peer_netns) {
  Fd ns{open(peer_netns.c_str(), O_RDONLY | O_CLOEXEC)};
  if (ns.fd < 0) return SystemError("opening network namespace " + peer_netns.string());
  rtnl_link* link = rtnl_link_veth_alloc();
  if (link == nullptr) return Status(Code::kResourceExhausted, "allocating a veth link");
  rtnl_link* peer = rtnl_link_veth_get_peer(link);
  rtnl_link_set_name(link, name.c_str());
  rtnl_link_set_name(peer, peer_name.c_str());
  rtnl_link_set_ns_fd(peer, ns.fd);
  int error = rtnl_link_add(sock_.get(), link, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(peer);
  rtnl_link_veth_release(link);
  if (error < 0) return NetlinkError(error, "creating veth pair " + name);
  return Status::Ok();
}

Status Socket::SetUp(const std::string& name, const std::string& master) {
  rtnl_link* current = nullptr;
  if (int error = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &current); error < 0) {
    return NetlinkError(error, "looking up interface " + name);
  }
  rtnl_link* change = rtnl_link_alloc();
  Status result = Status::Ok();
  if (!master.empty()) {
    auto index = IfIndex(master);
    if (!index.ok() || *index == 0) {
      result = index.ok() ? Status(Code::kNotFound, "no interface " + master) : index.status();
    } else {
      rtnl_link_set_master(change, *index);
    }
  }
  if (result.ok()) {
    rtnl_link_set_flags(change, IFF_UP);
    if (int error = rtnl_link_change(sock_.get(), current, change, 0); error < 0) {
      result = NetlinkError(error, "bringing up interface " + name);
    }
  }
  rtnl_link_put(change);
  rtnl_link_put(current);
  return result;
}

Status Socket::ReplaceAddress(const std::string& name, const std::string& cidr) {
  MINI_ASSIGN_OR_RETURN(int index, IfIndex(name));
  if (index == 0) return Status(Code::kNotFound, "no interface " + name);
  nl_addr* local = nullptr;
  if (int error = nl_addr_parse(cidr.c_str(), AF_INET, &local); error < 0) {
    return NetlinkError(error, "parsing address " + cidr);
  }
  rtnl_addr* address = rtnl_addr_alloc();
  rtnl_addr_set_ifindex(address, index);
  int error = rtnl_addr_set_local(address, local);
  if (error >= 0) error = rtnl_addr_add(sock_.get(), address, NLM_F_REPLACE);
  rtnl_addr_put(address);
  nl_addr_put(local);
  if (error < 0) return NetlinkError(error, "setting address " + cidr + " on " + name);
  return Status::Ok();
}

Status Socket::ReplaceDefaultRoute(const std::string& gateway) {
  nl_addr* via = nullptr;
  if (int error = nl_addr_parse(gateway.c_str(), AF_INET, &via); error < 0) {
    return NetlinkError(error, "parsing gateway " + gateway);
  }
  nl_addr* everywhere = nullptr;
  if (int error = nl_addr_parse("0.0.0.0/0", AF_INET, &everywhere); error < 0) {
    nl_addr_put(via);
    return NetlinkError(error, "parsing the default destination");
  }
  rtnl_route* route = rtnl_route_alloc();
  rtnl_route_set_family(route, AF_INET);
  rtnl_route_set_table(route, RT_TABLE_MAIN);
  rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
  rtnl_route_set_protocol(route, RTPROT_BOOT);
  rtnl_route_set_type(route, RTN_UNICAST);
  int error = rtnl_route_set_dst(route, everywhere);
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  rtnl_route_nh_set_gateway(hop, via);
  rtnl_route_add_nexthop(route, hop);  // the route owns it now
  if (error >= 0) error = rtnl_route_add(sock_.get(), route, NLM_F_REPLACE);
  rtnl_route_put(route);
  nl_addr_put(everywhere);
  nl_addr_put(via);
  if (error < 0) return NetlinkError(error, "setting the default route via " + gateway);
  return Status::Ok();
}

Status Socket::DeleteLink(const std::string& name) {
  rtnl_link* link = rtnl_link_alloc();
  rtnl_link_set_name(link, name.c_str());
  int error = rtnl_link_delete(sock_.get(), link);
  rtnl_link_put(link);
  if (error < 0 && !IsMissing(error)) return NetlinkError(error, "deleting interface " + name);
  return Status::Ok();
}

}  // namespace mini::net::netlink
