#include "cluster/runtime/oci/spec.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

namespace mini::cluster::runtime::oci {
namespace json = boost::json;

namespace {

// Every capability Linux 6.1 knows, for privileged containers and "add: [ALL]".
const std::vector<std::string>& AllCapabilities() {
  static const std::vector<std::string> kAll = {
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
      "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
      "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
      "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
      "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
      "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
  return kAll;
}

Result<std::string> CanonicalCapability(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  if (!name.starts_with("CAP_")) name = "CAP_" + name;
  const auto& all = AllCapabilities();
  if (std::find(all.begin(), all.end(), name) == all.end()) {
    return Status(Code::kInvalidArgument, fmt::format("unknown capability {:?}", name));
  }
  return name;
}

bool IsAll(const std::string& name) { return name == "ALL" || name == "all" || name == "CAP_ALL"; }

Result<std::vector<std::string>> Capabilities(const ContainerConfig& config) {
  if (config.privileged) return AllCapabilities();
  std::set<std::string> caps(DefaultCapabilities().begin(), DefaultCapabilities().end());
  for (const std::string& drop : config.capabilities_drop) {
    if (IsAll(drop)) {
      caps.clear();
      continue;
    }
    MINI_ASSIGN_OR_RETURN(std::string name, CanonicalCapability(drop));
    caps.erase(name);
  }
  for (const std::string& add : config.capabilities_add) {
    if (IsAll(add)) {
      caps.insert(AllCapabilities().begin(), AllCapabilities().end());
      continue;
    }
    MINI_ASSIGN_OR_RETURN(std::string name, CanonicalCapability(add));
    caps.insert(name);
  }
  return std::vector<std::string>(caps.begin(), caps.end());
}

// Engines give containers 1048576 open files; a host (or an outer container) that allows
// fewer caps it, since raising a hard limit needs more than root in a user namespace.
uint64_t OpenFilesLimit() {
  constexpr uint64_t kEngineDefault = 1048576;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max == RLIM_INFINITY) return kEngineDefault;
  return std::min<uint64_t>(kEngineDefault, limit.rlim_max);
}

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& value : values) out.emplace_back(value);
  return out;
}

json::object MountJson(const Mount& mount) {
  return json::object{{"destination", mount.destination},
                      {"type", mount.type},
                      {"source", mount.source},
                      {"options", Strings(mount.options)}};
}

std::vector<Mount> DefaultMounts(bool privileged) {
  std::vector<std::string> sys = {"nosuid", "noexec", "nodev", privileged ? "rw" : "ro"};
  return {
      {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts", "devpts", "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "shm", "tmpfs", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", sys},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
}

json::object ResourcesJson(const Resources& resources) {
  json::object out;
  if (resources.memory_limit) out["memory"] = json::object{{"limit", *resources.memory_limit}};
  json::object cpu;
  if (resources.cpu_shares) cpu["shares"] = *resources.cpu_shares;
  if (resources.cpu_quota) cpu["quota"] = *resources.cpu_quota;
  if (resources.cpu_period) cpu["period"] = *resources.cpu_period;
  if (!cpu.empty()) out["cpu"] = std::move(cpu);
  if (resources.pids_limit) out["pids"] = json::object{{"limit", *resources.pids_limit}};
  return out;
}

json::object LinuxJson(const ContainerConfig& config) {
  json::array namespaces{json::object{{"type", "mount"}}, json::object{{"type", "uts"}}};
  if (!config.host_pid) namespaces.push_back(json::object{{"type", "pid"}});
  json::object ipc{{"type", "ipc"}};
  if (!config.ipc_namespace.empty()) ipc["path"] = config.ipc_namespace;
  namespaces.push_back(std::move(ipc));
  if (!config.network_namespace.empty()) {
    namespaces.push_back(json::object{{"type", "network"}, {"path", config.network_namespace}});
  }
  json::object linux{{"namespaces", std::move(namespaces)},
                     {"resources", ResourcesJson(config.resources)}};
  if (!config.cgroups_path.empty()) linux["cgroupsPath"] = config.cgroups_path;
  if (!config.privileged) {
    linux["maskedPaths"] = json::array{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                       "/proc/latency_stats", "/proc/timer_list",
                                       "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                                       "/sys/firmware"};
    linux["readonlyPaths"] = json::array{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                         "/proc/sysrq-trigger"};
  }
  return linux;
}

}  // namespace

const std::vector<std::string>& DefaultCapabilities() {
  static const std::vector<std::string> kDefault = {
      "CAP_AUDIT_WRITE", "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",
      "CAP_FSETID",      "CAP_KILL",   "CAP_MKNOD",        "CAP_NET_BIND_SERVICE",
      "CAP_NET_RAW",     "CAP_SETFCAP", "CAP_SETGID",      "CAP_SETPCAP",
      "CAP_SETUID",      "CAP_SYS_CHROOT"};
  return kDefault;
}

Result<json::object> BuildSpec(const ContainerConfig& config) {
  if (config.args.empty()) {
    return Status(Code::kInvalidArgument, "no command: the image sets none and the pod neither");
  }
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> caps, Capabilities(config));
  json::array gids;
  for (uint32_t gid : config.additional_gids) gids.emplace_back(gid);
  json::object user{{"uid", config.uid}, {"gid", config.gid}};
  if (!gids.empty()) user["additionalGids"] = std::move(gids);
  // A non-root process keeps no capabilities unless they are ambient, as Docker arranges.
  json::object capabilities{{"bounding", Strings(caps)},
                            {"effective", Strings(caps)},
                            {"permitted", Strings(caps)}};
  if (config.uid != 0) capabilities["ambient"] = json::array();
  json::object process{{"terminal", false},
                       {"user", std::move(user)},
                       {"args", Strings(config.args)},
                       {"env", Strings(config.env)},
                       {"cwd", config.cwd.empty() ? "/" : config.cwd},
                       {"capabilities", std::move(capabilities)},
                       {"rlimits", json::array{json::object{{"type", "RLIMIT_NOFILE"},
                                                            {"hard", OpenFilesLimit()},
                                                            {"soft", OpenFilesLimit()}}}},
                       {"noNewPrivileges", config.no_new_privileges}};
  if (config.oom_score_adj) process["oomScoreAdj"] = *config.oom_score_adj;

  json::array mounts;
  for (const Mount& mount : DefaultMounts(config.privileged)) {
    bool replaced = std::any_of(config.mounts.begin(), config.mounts.end(),
                                [&](const Mount& m) { return m.destination == mount.destination; });
    if (!replaced) mounts.push_back(MountJson(mount));
  }
  for (const Mount& mount : config.mounts) mounts.push_back(MountJson(mount));

  json::object annotations;
  for (const auto& [key, value] : config.annotations) annotations[key] = value;
  json::object spec{{"ociVersion", "1.0.2"},
                    {"process", std::move(process)},
                    {"root", json::object{{"path", config.rootfs}, {"readonly", config.read_only_root}}},
                    {"hostname", config.hostname},
                    {"mounts", std::move(mounts)},
                    {"linux", LinuxJson(config)}};
  if (!annotations.empty()) spec["annotations"] = std::move(annotations);
  return spec;
}

}  // namespace mini::cluster::runtime::oci
