#include <spdlog/spdlog.h>

#include "common/files.h"
#include "vm/lifecycle/background_mount.h"
#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

Status DeleteCluster(const Context& ctx, const std::string& profile) {
  MINI_RETURN_IF_ERROR(ValidateProfileName(profile));
  MINI_ASSIGN_OR_RETURN(FileLock lock, LockProfile(ctx, profile));
  // Before the machine goes, so each mount can still unmount in the guest. A mount that cannot
  // be ended does not stop the deletion, which is how the user recovers.
  if (Status s = StopBackgroundMounts(ctx, profile); !s.ok()) {
    spdlog::warn("deleting \"{}\": {}", profile, s.message());
  }
  auto config = LoadProfile(ctx.home, profile);
  if (config.ok()) {
    ctx.say(fmt::format("Deleting \"{}\" ({} driver) ...", profile, config->driver));
    MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, *config, /*check_host=*/false));
    MINI_RETURN_IF_ERROR(machine.driver->Delete(machine.spec)
                             .WithContext("deleting the machine of \"{}\"", profile)
                             .WithReason("GUEST_DELETE"));
  } else if (config.status().code() == Code::kNotFound) {
    ctx.say(fmt::format("Profile \"{}\" not found; removing anything it left behind.", profile));
  } else {
    // A damaged config.json must not prevent deletion, since deleting is how the user
    // recovers: every driver gets the chance to remove a machine of that name.
    spdlog::warn("deleting \"{}\" without its configuration: {}", profile,
                 config.status().message());
    for (const DriverDef* def : ctx.drivers->All()) {
      ClusterConfig guess;
      guess.name = profile;
      guess.driver = def->name;
      auto machine = OpenMachine(ctx, guess, /*check_host=*/false);
      if (machine.ok()) {
        (void)machine->driver->Delete(machine->spec);
      }
    }
  }
  MINI_RETURN_IF_ERROR(kubeconfig::Remove(ctx.kubeconfig, profile)
                           .WithContext("removing \"{}\" from the kubeconfig", profile)
                           .WithReason("HOST_KUBECONFIG_WRITE"));
  MINI_RETURN_IF_ERROR(RemoveAll(ctx.home.MachineDir(profile)));
  MINI_RETURN_IF_ERROR(RemoveAll(ctx.home.ProfileDir(profile)));
  MINI_RETURN_IF_ERROR(RemoveAll(ctx.home.ProfileLock(profile)));
  ctx.say(fmt::format("Removed all traces of the \"{}\" cluster.", profile));
  return Status::Ok();
}

}  // namespace mini::vm
