// The native driver (minikube's `none`): the "machine" is this host, and the control plane runs
// as a supervised host process. Its identity (pid + start time) is kept in
// <machine_dir>/control-plane.pid, so state is read from the live process table: a crashed
// control plane shows as Error, never as Running.
#pragma once

#include <sys/types.h>

#include <functional>

#include "common/process.h"
#include "vm/driver.h"
#include "vm/driver_registry.h"

namespace mini::drivers::native {

/// How long `stop` waits after SIGTERM before SIGKILL.
inline constexpr std::chrono::seconds kStopGrace{60};

vm::DriverPtr NewNativeDriver(ProcessesPtr processes);

/// Healthy only for root: the control plane will run containers and program networking here.
vm::HostCheck CheckHost(uid_t effective_uid);

void Register(vm::DriverRegistry& registry);

}  // namespace mini::drivers::native
