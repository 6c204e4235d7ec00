#include <fmt/format.h>

#include "cluster/scheduler/plugins/plugins.h"

namespace mini::cluster::scheduler::plugins {
namespace {

bool Exceeds(int64_t request, int64_t allocatable, int64_t requested) {
  return request > 0 && request > allocatable - requested;
}

int64_t Find(const std::map<std::string, int64_t>& values, const std::string& name) {
  auto it = values.find(name);
  return it != values.end() ? it->second : 0;
}

}  // namespace

FilterStatus NodeResourcesFit::Filter(const PodInfo& pod, const NodeInfo& node) const {
  std::vector<std::string> reasons;
  if (node.pod_count + 1 > node.allocatable.pods) {
    reasons.emplace_back("Too many pods");
  }
  const Resources& want = pod.requests;
  const Resources& have = node.allocatable;
  const Resources& used = node.requested;
  if (Exceeds(want.milli_cpu, have.milli_cpu, used.milli_cpu)) {
    reasons.emplace_back("Insufficient cpu");
  }
  if (Exceeds(want.memory, have.memory, used.memory)) {
    reasons.emplace_back("Insufficient memory");
  }
  if (Exceeds(want.ephemeral_storage, have.ephemeral_storage, used.ephemeral_storage)) {
    reasons.emplace_back("Insufficient ephemeral-storage");
  }
  for (const auto& [name, request] : want.scalar) {
    if (Exceeds(request, Find(have.scalar, name), Find(used.scalar, name))) {
      reasons.push_back(fmt::format("Insufficient {}", name));
    }
  }
  if (reasons.empty()) {
    return FilterStatus::Success();
  }
  return {FilterStatus::Code::kUnschedulable, std::move(reasons)};
}

}  // namespace mini::cluster::scheduler::plugins
