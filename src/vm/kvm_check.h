// Whether /dev/kvm really works. It can exist and pass a trivial test while every guest memory
// access traps to an outer hypervisor (nested virtualization without EPT): a VM then seems to
// hang. So the probe also writes 64 MiB of guest memory against a deadline; a healthy KVM does
// it in milliseconds. It runs in a forked child that the parent kills if it hangs.
#pragma once

#include <chrono>
#include <string>

namespace mini::vm {

struct KvmVerdict {
  bool usable = false;
  std::string reason;  // why not, or what was measured
};

/// Runs the probe; never takes much longer than `deadline` plus a second.
KvmVerdict CheckKvm(const std::string& device = "/dev/kvm",
                    std::chrono::milliseconds deadline = std::chrono::seconds(1));

}  // namespace mini::vm
