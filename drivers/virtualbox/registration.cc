#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "drivers/virtualbox/vbox_driver.h"

namespace mini::drivers::virtualbox {

vm::HostCheck CheckHost() {
  std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  for (std::string dir; std::getline(path, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/VBoxManage").c_str(), X_OK) == 0) return {true, "", ""};
  }
  return {false, "VBoxManage was not found in PATH",
          "install VirtualBox from https://www.virtualbox.org/wiki/Linux_Downloads (Debian 12 "
          "does not package it), or use --driver=kvm2 or --driver=qemu"};
}

void Register(vm::DriverRegistry& registry) {
  // Last of the VM drivers: it boots an ISO (the compressed kernel) and runs a separate tool
  // for every step.
  Status s = registry.Register({"virtualbox",
                                {"vbox"},
                                30,
                                [](const vm::HostContext&) { return CheckHost(); },
                                [] { return NewVirtualBoxDriver(); },
                                kMinMemoryMb,
                                kMinDiskMb});
  (void)s;  // the only registration of this name
}

}  // namespace mini::drivers::virtualbox
