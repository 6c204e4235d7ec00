#include "cluster/kubelet/stats/proc_stats.h"

#include <sstream>
#include <string>
#include <vector>

namespace mini::cluster::kubelet::stats {

Result<int64_t> BusyCpuNanoseconds(std::string_view proc_stat, int64_t ticks_per_second) {
  if (ticks_per_second <= 0)
    return Status(Code::kInvalidArgument, "ticks per second must be positive");
  std::istringstream lines{std::string(proc_stat)};
  std::string line;
  std::getline(lines, line);
  std::istringstream fields(line);
  std::string label;
  fields >> label;
  // user nice system idle iowait irq softirq steal; guest time is already in user and nice.
  std::vector<int64_t> ticks;
  for (int64_t value = 0; ticks.size() < 8 && fields >> value;) ticks.push_back(value);
  if (label != "cpu" || ticks.size() < 4) {
    return Status(Code::kInternal, "/proc/stat does not start with the cpu totals");
  }
  ticks.resize(8, 0);
  int64_t busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
  return busy * (1'000'000'000 / ticks_per_second);
}

Result<int64_t> MemoryInUse(std::string_view meminfo) {
  int64_t total = -1, available = -1;
  std::istringstream lines{std::string(meminfo)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string key;
    int64_t kib = 0;
    if (!(fields >> key >> kib)) continue;
    if (key == "MemTotal:") total = kib * 1024;
    if (key == "MemAvailable:") available = kib * 1024;
  }
  if (total < 0 || available < 0) {
    return Status(Code::kInternal, "/proc/meminfo lacks MemTotal or MemAvailable");
  }
  return std::max<int64_t>(0, total - available);
}

}  // namespace mini::cluster::kubelet::stats
