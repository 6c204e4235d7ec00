#include "common/files.h"
#include "vm/lifecycle/background_mount.h"
#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

Status StopCluster(const Context& ctx, const std::string& profile) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(FileLock lock, LockProfile(ctx, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  // First, so each mount can still unmount in the guest; also when the machine is already
  // stopped, as a mount may outlive a machine stopped from outside.
  MINI_RETURN_IF_ERROR(StopBackgroundMounts(ctx, profile));
  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  if (state == MachineState::kStopped || state == MachineState::kNonexistent) {
    ctx.say(fmt::format("The \"{}\" cluster is already stopped.", profile));
    return Status::Ok();
  }
  ctx.say(fmt::format("Stopping node \"{}\" ...", profile));
  MINI_RETURN_IF_ERROR(machine.driver->Stop(machine.spec)
                           .WithContext("stopping \"{}\"", profile)
                           .WithReason("GUEST_STOP"));
  ctx.say("1 node stopped.");
  return Status::Ok();
}

}  // namespace mini::vm
