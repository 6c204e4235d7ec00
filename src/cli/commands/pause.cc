#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpPause(CLI::App& app, Globals& globals) {
  for (bool pause : {true, false}) {
    auto* cmd = app.add_subcommand(pause ? "pause" : "unpause",
                                   pause ? "Freeze the cluster's machine, containers included"
                                         : "Thaw a paused cluster");
    cmd->callback([pause, &globals] {
      globals.status = [&]() -> Status {
        MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
        MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
        return vm::PauseCluster(ctx, profile, pause);
      }();
    });
  }
}

}  // namespace mini::cli
