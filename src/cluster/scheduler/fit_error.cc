#include "cluster/scheduler/fit_error.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

namespace mini::cluster::scheduler {
namespace {

// "2 Insufficient cpu, 1 node(s) were unschedulable": counts, then sorted as strings.
std::string Histogram(const std::map<std::string, int>& counts) {
  std::vector<std::string> parts;
  for (const auto& [reason, count] : counts) {
    parts.push_back(fmt::format("{} {}", count, reason));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string FitErrorMessage(size_t num_nodes, const std::map<std::string, FilterStatus>& failed,
                            bool preempt_never) {
  std::map<std::string, int> reasons;
  std::map<std::string, int> preemption;
  for (const auto& [node, status] : failed) {
    for (const std::string& reason : status.reasons) {
      ++reasons[reason];
    }
    ++preemption[status.code == FilterStatus::Code::kUnschedulable
                     ? "No preemption victims found for incoming pod"
                     : "Preemption is not helpful for scheduling"];
  }
  std::string message = fmt::format("0/{} nodes are available:", num_nodes);
  if (!reasons.empty()) {
    message += fmt::format(" {}.", Histogram(reasons));
  }
  if (preempt_never) {
    message += " preemption: not eligible due to preemptionPolicy=Never.";
  } else {
    message +=
        fmt::format(" preemption: 0/{} nodes are available: {}.", num_nodes, Histogram(preemption));
  }
  return message;
}

}  // namespace mini::cluster::scheduler
