#include <unistd.h>

#include "drivers/native/native_driver.h"

namespace mini::drivers::native {

vm::HostCheck CheckHost(uid_t effective_uid) {
  if (effective_uid != 0) {
    return {false,
            "it runs the control plane and its containers directly on this host, which needs root",
            "run it as root: sudo -E mini start --driver=native"};
  }
  return {true, "", ""};
}

void Register(vm::DriverRegistry& registry) {
  // The lowest priority: a VM keeps the host clean, so any healthy VM driver is preferred.
  Status s = registry.Register({"native",
                                {"none"},
                                10,
                                [](const vm::HostContext&) { return CheckHost(::geteuid()); },
                                [] { return NewNativeDriver(NewSystemProcesses()); }});
  (void)s;  // the only registration of this name
}

}  // namespace mini::drivers::native
