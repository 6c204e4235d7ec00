#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

Result<std::vector<std::string>> ShellCommand(const Context& ctx, const std::string& profile,
                                              const std::vector<std::string>& command) {
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  if (state != MachineState::kRunning) {
    return Error(Code::kFailedPrecondition, "the \"{}\" machine is {}", profile, StateName(state))
        .WithAdvice("run \"mini start -p " + profile + "\" first")
        .WithReason("GUEST_NOT_RUNNING");
  }
  return machine.driver->ShellCommand(machine.spec, command);
}

}  // namespace mini::vm
