// The one list of drivers compiled into mini (minikube keeps the same list in drvs/init.go).
// Registration is explicit, not static initialisation, so no driver can be dropped silently
// by the linker.
#include "vm/driver_registry.h"

#if MINI_WITH_NATIVE
#include "drivers/native/native_driver.h"
#endif
#if MINI_WITH_QEMU
#include "drivers/qemu/qemu_driver.h"
#endif
#if MINI_WITH_KVM2
#include "drivers/kvm2/kvm2_driver.h"
#endif
#if MINI_WITH_VIRTUALBOX
#include "drivers/virtualbox/vbox_driver.h"
#endif

namespace mini::vm {

void RegisterBuiltinDrivers(DriverRegistry& registry) {
#if MINI_WITH_NATIVE
  drivers::native::Register(registry);
#endif
#if MINI_WITH_QEMU
  drivers::qemu::Register(registry);
#endif
#if MINI_WITH_KVM2
  drivers::kvm2::Register(registry);
#endif
#if MINI_WITH_VIRTUALBOX
  drivers::virtualbox::Register(registry);
#endif
  (void)registry;
}

}  // namespace mini::vm
