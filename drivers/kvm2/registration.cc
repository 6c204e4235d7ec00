#include <cstdlib>

#include "drivers/kvm2/kvm2_driver.h"
#include "drivers/kvm2/libvirt.h"
#include "vm/host_facts.h"

namespace mini::drivers::kvm2 {

namespace {
constexpr int kPriorityWithKvm = 80;
constexpr int kPriorityWithoutKvm = 40;  // below qemu (50), above virtualbox

// The KVM self-test's verdict is cached per host boot under MINI_HOME/cache; this check runs
// before any profile exists, so it finds the cache the way the CLI finds MINI_HOME.
std::filesystem::path CacheDir() {
  if (const char* home = std::getenv("MINI_HOME"); home && *home) {
    return std::filesystem::path(home) / "cache";
  }
  const char* user = std::getenv("HOME");
  return std::filesystem::path(user ? user : "/tmp") / ".mini" / "cache";
}
}  // namespace

vm::HostCheck CheckHost(const std::string& uri) {
  auto virt = Libvirt::Connect(uri);
  if (!virt.ok()) return {false, virt.status().message(), virt.status().advice()};
  vm::HostCheck check{true, "", ""};
  check.priority = vm::LoadHostFacts(CacheDir()).kvm.usable ? kPriorityWithKvm : kPriorityWithoutKvm;
  return check;
}

void Register(vm::DriverRegistry& registry) {
  Status s = registry.Register({"kvm2",
                                {"kvm", "libvirt"},
                                kPriorityWithKvm,
                                [](const vm::HostContext& host) {
                                  return CheckHost(host.kvm_qemu_uri.empty() ? kDefaultUri
                                                                             : host.kvm_qemu_uri);
                                },
                                [] { return NewKvm2Driver(); },
                                kMinMemoryMb,
                                kMinDiskMb});
  (void)s;  // the only registration of this name
}

}  // namespace mini::drivers::kvm2
