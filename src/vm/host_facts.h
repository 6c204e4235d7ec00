// Facts about this host that VM drivers need and that only change with a reboot: whether KVM
// works (a self-test, about a second when it does not) and the TSC frequency (a microvm guest
// under TCG cannot calibrate its own). Measured once per boot of the host and cached in
// MINI_HOME/cache/host-facts.json, keyed by the kernel's boot id.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vm/kvm_check.h"

namespace mini::vm {

struct HostFacts {
  KvmVerdict kvm;
  int64_t tsc_khz = 0;  // 0 when it could not be measured
};

HostFacts LoadHostFacts(const std::filesystem::path& cache_dir);

/// rdtsc against the monotonic clock over `window`.
int64_t MeasureTscKhz(std::chrono::milliseconds window = std::chrono::milliseconds(200));

}  // namespace mini::vm
