#include "cluster/kubelet/stats/cgroup_stats.h"

#include <fmt/format.h>

#include <optional>
#include <sstream>
#include <string>

#include "common/files.h"

namespace mini::cluster::kubelet::stats {
namespace fs = std::filesystem;

namespace {

// "0::/a/b" -> the directory under `mount`; the path is absolute within the hierarchy.
fs::path Under(const fs::path& mount, const std::string& path) {
  return path.size() > 1 ? mount / path.substr(1) : mount;
}

// A v1 hierarchy is mounted under its controller list ("cpu,cpuacct"); systemd adds a link
// per controller, which is all a host with separate mounts has.
fs::path V1Mount(const fs::path& root, const std::string& controllers, const std::string& name) {
  std::error_code ignored;
  fs::path joined = root / controllers;
  return fs::exists(joined, ignored) ? joined : root / name;
}

// The value after `key` in a "key value" per line file (memory.stat, cpu.stat).
std::optional<int64_t> StatValue(const std::string& text, std::string_view key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name;
    int64_t value = 0;
    if (fields >> name >> value && name == key) return value;
  }
  return std::nullopt;
}

Result<int64_t> Number(const fs::path& file) {
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return Status(Code::kInternal, fmt::format("{} does not hold a number", file.string()));
  }
}

Result<int64_t> CpuNanoseconds(const CgroupDirs& dirs) {
  if (!dirs.cpu_unified) return Number(dirs.cpu / "cpuacct.usage");
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(dirs.cpu / "cpu.stat"));
  auto usec = StatValue(text, "usage_usec");
  if (!usec) {
    return Status(Code::kInternal,
                  fmt::format("no usage_usec in {}", (dirs.cpu / "cpu.stat").string()));
  }
  return *usec * 1000;
}

Result<int64_t> WorkingSet(const CgroupDirs& dirs) {
  const bool v2 = dirs.memory_unified;
  MINI_ASSIGN_OR_RETURN(int64_t usage,
                        Number(dirs.memory / (v2 ? "memory.current" : "memory.usage_in_bytes")));
  MINI_ASSIGN_OR_RETURN(std::string stat, ReadFile(dirs.memory / "memory.stat"));
  // v1 lists the cgroup's own pages and, as total_*, its subtree's; containers have no children
  // but the hierarchical count is the one cAdvisor takes.
  auto inactive = v2 ? StatValue(stat, "inactive_file") : StatValue(stat, "total_inactive_file");
  if (!v2 && !inactive) inactive = StatValue(stat, "inactive_file");
  return std::max<int64_t>(0, usage - inactive.value_or(0));
}

}  // namespace

Result<CgroupDirs> CgroupDirsOf(std::string_view proc_cgroup, const fs::path& root) {
  std::optional<fs::path> cpu, memory, unified;
  std::istringstream lines{std::string(proc_cgroup)};
  for (std::string line; std::getline(lines, line);) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (path.empty() || path.front() != '/') continue;
    if (controllers.empty()) {
      unified = Under(root, path);
      continue;
    }
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "cpuacct") cpu = Under(V1Mount(root, controllers, name), path);
      if (name == "memory") memory = Under(V1Mount(root, controllers, name), path);
    }
  }
  if (!unified && (!cpu || !memory)) {
    return Status(Code::kNotFound, "the process is in no cpuacct and memory cgroup");
  }
  CgroupDirs dirs;
  dirs.cpu_unified = !cpu;
  dirs.cpu = cpu.value_or(unified.value_or(fs::path()));
  dirs.memory_unified = !memory;
  dirs.memory = memory.value_or(unified.value_or(fs::path()));
  return dirs;
}

Result<CgroupUsage> ReadCgroupUsage(const CgroupDirs& dirs) {
  CgroupUsage usage;
  MINI_ASSIGN_OR_RETURN(usage.cpu_ns, CpuNanoseconds(dirs));
  MINI_ASSIGN_OR_RETURN(usage.memory_working_set_bytes, WorkingSet(dirs));
  return usage;
}

}  // namespace mini::cluster::kubelet::stats
