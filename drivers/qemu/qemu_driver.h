// The qemu driver: qemu-system-x86_64 run directly, one process per machine, booting the guest
// image (src/vm/image) with user-mode networking, the API server and ssh forwarded from
// 127.0.0.1; or, with --network=bridge (root), on a host bridge of its own where the host
// reaches it at its address (bridge_network.h). Its state lives in <machine_dir>: the data
// disk, QEMU's identity (pid + start time, so a crashed or killed VM shows as Error), its
// control sockets, the forwarded ports or the bridge's plan, and the profile's ssh key.
#pragma once

#include <chrono>

#include "common/process.h"
#include "vm/driver.h"
#include "vm/driver_registry.h"

namespace mini::drivers::qemu {

/// How long a graceful stop waits for the guest to power off before killing QEMU.
inline constexpr std::chrono::seconds kStopGrace{60};
/// The guest's address on QEMU's user-mode network (--network=user).
inline constexpr char kGuestIP[] = "10.0.2.15";
/// The address by which the guest reaches the host's 127.0.0.1 on that network.
inline constexpr char kHostAlias[] = "10.0.2.2";
inline constexpr int64_t kMinMemoryMb = 1024;
inline constexpr int64_t kMinDiskMb = 2048;

vm::DriverPtr NewQemuDriver(ProcessesPtr processes);

/// Healthy when qemu-system-x86_64 can be found in PATH.
vm::HostCheck CheckHost();

void Register(vm::DriverRegistry& registry);

}  // namespace mini::drivers::qemu
