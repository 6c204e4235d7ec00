#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

Status RequireRunning(const std::string& profile, MachineState state) {
  if (state == MachineState::kRunning) return Status::Ok();
  return Error(Code::kFailedPrecondition, "the \"{}\" machine is {}", profile, StateName(state))
      .WithAdvice("run \"mini start -p " + profile + "\" first")
      .WithReason("GUEST_NOT_RUNNING");
}

Result<std::vector<std::string>> ShellCommand(const Context& ctx, const std::string& profile,
                                              const std::vector<std::string>& command) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  MINI_RETURN_IF_ERROR(RequireRunning(profile, state));
  return machine.driver->ShellCommand(machine.spec, command);
}

Status PauseCluster(const Context& ctx, const std::string& profile, bool paused) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(FileLock lock, LockProfile(ctx, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  MINI_RETURN_IF_ERROR(RequireRunning(profile, state));
  ctx.say(fmt::format("{} \"{}\" ...", paused ? "Pausing" : "Unpausing", profile));
  MINI_RETURN_IF_ERROR(machine.driver->Pause(machine.spec, paused).WithReason(
      paused ? "GUEST_PAUSE" : "GUEST_UNPAUSE"));
  ctx.say(paused ? "Paused the cluster: its API server does not answer until \"mini unpause\"."
                 : "Unpaused the cluster.");
  return Status::Ok();
}

}  // namespace mini::vm
