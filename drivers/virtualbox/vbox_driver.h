// The virtualbox driver: VBoxManage run for every step, the VM booting the guest ISO with a
// VDI data disk, the guest's configuration on a second DVD (machine_dir/config.iso, label
// MINI_CONFIG) and NAT port-forwards for the API server and ssh. The VM's state is what
// `VBoxManage showvminfo` says.
#pragma once

#include <chrono>

#include "vm/driver.h"
#include "vm/driver_registry.h"

namespace mini::drivers::virtualbox {

inline constexpr std::chrono::seconds kStopGrace{60};
inline constexpr int64_t kMinMemoryMb = 1024;
inline constexpr int64_t kMinDiskMb = 2048;

vm::DriverPtr NewVirtualBoxDriver();

/// Healthy when VBoxManage can be found in PATH.
vm::HostCheck CheckHost();

void Register(vm::DriverRegistry& registry);

}  // namespace mini::drivers::virtualbox
