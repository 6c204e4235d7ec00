// The OCI runtime configuration (config.json) of one container, built from what the kubelet
// decided: process, user, capabilities, mounts, namespaces and cgroup limits. The defaults
// are those of the common container engines (the capability set, masked and read-only /proc
// paths, /dev tmpfs), so workloads behave as they do on any cluster.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::cluster::runtime::oci {

struct Mount {
  std::string destination;
  std::string source;
  std::string type = "bind";
  std::vector<std::string> options = {"rbind", "rprivate"};
};

struct Resources {
  std::optional<int64_t> memory_limit;  // bytes
  std::optional<uint64_t> cpu_shares;   // from the cpu request
  std::optional<int64_t> cpu_quota;     // microseconds per period, from the cpu limit
  std::optional<uint64_t> cpu_period;
  std::optional<int64_t> pids_limit;
};

struct ContainerConfig {
  std::string rootfs;  // absolute path of the container's mounted root
  std::vector<std::string> args;
  std::vector<std::string> env;  // "NAME=value"
  std::string cwd = "/";
  uint32_t uid = 0;
  uint32_t gid = 0;
  /// An image's user and group given by name, looked up in the root's /etc/passwd and
  /// /etc/group when the container is created (see ResolveUserNames). A user name also sets
  /// gid to the user's primary group unless a group is named or gid_given.
  std::string user_name;
  std::string group_name;
  bool gid_given = false;
  std::vector<uint32_t> additional_gids;
  /// Kubernetes capability names ("NET_ADMIN", "CAP_NET_ADMIN" or "ALL").
  std::vector<std::string> capabilities_add;
  std::vector<std::string> capabilities_drop;
  bool privileged = false;
  bool read_only_root = false;
  bool no_new_privileges = false;
  std::string hostname;
  std::vector<Mount> mounts;  // after the defaults; a destination given here replaces a default
  std::string network_namespace;  // path to join; empty = the host's network
  std::string ipc_namespace;      // path to join; empty = a new one
  bool host_pid = false;
  std::string cgroups_path;
  Resources resources;
  std::optional<int> oom_score_adj;
  std::map<std::string, std::string> annotations;
};

/// The capabilities a container gets when nothing is added or dropped.
const std::vector<std::string>& DefaultCapabilities();

/// The config.json; kInvalidArgument for an unknown capability name or an empty command.
Result<boost::json::object> BuildSpec(const ContainerConfig& config);

}  // namespace mini::cluster::runtime::oci
