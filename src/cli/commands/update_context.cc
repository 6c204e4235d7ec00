#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpUpdateContext(CLI::App& app, Globals& globals) {
  auto* cmd = app.add_subcommand("update-context",
                                 "Point the profile's kubeconfig entries at its cluster again");
  cmd->callback([&globals] {
    globals.status = [&]() -> Status {
      MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
      MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
      return vm::UpdateContext(ctx, profile);
    }();
  });
}

}  // namespace mini::cli
