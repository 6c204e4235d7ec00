// The whole node's CPU and memory, from /proc: what `kubectl top node` shows.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::kubelet::stats {

/// CPU time the machine has spent busy (everything but idle and iowait) since boot, in ns,
/// from the text of /proc/stat, whose counters are in ticks of 1/`ticks_per_second` s.
Result<int64_t> BusyCpuNanoseconds(std::string_view proc_stat, int64_t ticks_per_second);

/// Memory in use: MemTotal minus MemAvailable, in bytes, from the text of /proc/meminfo.
Result<int64_t> MemoryInUse(std::string_view meminfo);

}  // namespace mini::cluster::kubelet::stats
