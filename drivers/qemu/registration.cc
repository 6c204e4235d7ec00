#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "drivers/qemu/qemu_driver.h"

namespace mini::drivers::qemu {

vm::HostCheck CheckHost() {
  std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  for (std::string dir; std::getline(path, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/qemu-system-x86_64").c_str(), X_OK) == 0) {
      return {true, "", ""};
    }
  }
  return {false, "qemu-system-x86_64 was not found in PATH",
          "install it: sudo apt-get install qemu-system-x86"};
}

void Register(vm::DriverRegistry& registry) {
  // Above native (a VM keeps the host clean), below kvm2 when that exists: libvirt manages
  // machines across reboots and users of minikube expect it first.
  Status s = registry.Register({"qemu",
                                {"qemu2"},
                                50,
                                [](const vm::HostContext&) { return CheckHost(); },
                                [] { return NewQemuDriver(NewSystemProcesses()); },
                                kMinMemoryMb,
                                kMinDiskMb});
  (void)s;  // the only registration of this name
}

}  // namespace mini::drivers::qemu
