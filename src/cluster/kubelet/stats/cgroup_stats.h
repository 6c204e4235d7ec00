// A container's CPU and memory as its cgroup accounts them. A legacy or hybrid host (the
// native driver's) keeps them in v1 hierarchies (cpuacct, memory); a unified host (the VM
// guest) in the one v2 tree. Both are read the way cAdvisor reads them for the kubelet.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::kubelet::stats {

struct CgroupUsage {
  int64_t cpu_ns = 0;  // cumulative CPU time
  /// Memory in use minus the inactive file cache the kernel can drop at once: what the
  /// kubelet counts against limits and what `kubectl top` shows.
  int64_t memory_working_set_bytes = 0;
};

/// The cgroup directories a process is accounted in.
struct CgroupDirs {
  std::filesystem::path cpu;  // holds cpuacct.usage (v1) or cpu.stat (v2)
  bool cpu_unified = false;
  std::filesystem::path memory;  // holds memory.usage_in_bytes (v1) or memory.current (v2)
  bool memory_unified = false;
};

/// The directories named by `proc_cgroup` (the text of /proc/<pid>/cgroup) under the cgroup
/// mount `root`. A v1 controller wins over the unified tree, which on a hybrid host has no
/// controllers. kNotFound when neither is listed.
Result<CgroupDirs> CgroupDirsOf(std::string_view proc_cgroup, const std::filesystem::path& root);

/// Reads the usage now. Fails when a file is missing (the container is gone) or unreadable.
Result<CgroupUsage> ReadCgroupUsage(const CgroupDirs& dirs);

}  // namespace mini::cluster::kubelet::stats
