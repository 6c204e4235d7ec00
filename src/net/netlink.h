// The kernel calls a pod network (and a VM's bridged network) needs, made in-process over
// rtnetlink (libnl-route) rather than by running `ip`: a pod start ran it twice, and starting
// processes was most of what the network cost. A network namespace lives as long as a bind
// mount of it (a pin, as `ip netns add` makes under /run/netns) or a process in it; callers
// choose where their pins go, preferably on a tmpfs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"

struct nl_sock;

namespace mini::net::netlink {

/// Deletes the pin; the namespace ends with its last process. OK when there is none.
Status DeleteNetns(const std::filesystem::path& pin);

/// Writes a kernel setting under /proc/sys ("net/ipv4/ip_forward").
Status SetSysctl(const std::string& name, const std::string& value);

/// A persistent tap device `name` (as `ip tuntap add mode tap` makes it), which a VM's
/// emulator opens later by name; OK when it exists. DeleteLink removes it.
Status CreateTap(const std::string& name);

/// A route socket bound to one network namespace.
class Socket {
 public:
  /// In this process's namespace.
  static Result<Socket> Open();
  /// In the namespace pinned at `pin`.
  static Result<Socket> OpenIn(const std::filesystem::path& pin);
  /// Creates a namespace, pins it at `pin` (making its directory), and opens a socket in it.
  static Result<Socket> CreateNetns(const std::filesystem::path& pin);

  /// 0 when there is no such interface.
  Result<int> IfIndex(const std::string& name);
  Status AddBridge(const std::string& name);
  /// A veth pair: `name` here, `peer` (named `peer_name`) in the namespace pinned at
  /// `peer_netns`.
  Status AddVeth(const std::string& name, const std::string& peer_name,
                 const std::filesystem::path& peer_netns);
  /// Brings the interface up, enslaved to `master` unless that is empty.
  Status SetUp(const std::string& name, const std::string& master = "");
  /// Sets `cidr` ("10.244.0.5/24") on the interface, replacing an equal one.
  Status ReplaceAddress(const std::string& name, const std::string& cidr);
  Status ReplaceDefaultRoute(const std::string& gateway);
  /// OK when it is already gone.
  Status DeleteLink(const std::string& name);

 private:
  struct Deleter {
    void operator()(nl_sock* sock) const;
  };
  explicit Socket(nl_sock* sock) : sock_(sock) {}
  std::unique_ptr<nl_sock, Deleter> sock_;
};

}  // namespace mini::net::netlink
