#include "cli/commands/commands.h"
#include "vm/profile.h"

namespace mini::cli {
namespace {

Status RunStop(bool all, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  if (all) {
    for (const auto& name : vm::ListProfiles(ctx.home)) {
      MINI_RETURN_IF_ERROR(vm::StopCluster(ctx, name));
    }
    return Status::Ok();
  }
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  return vm::StopCluster(ctx, profile);
}

}  // namespace

void SetUpStop(CLI::App& app, Globals& globals) {
  auto all = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("stop", "Stop a running cluster, keeping its state");
  cmd->add_flag("--all", *all, "Stop every profile");
  cmd->callback([all, &globals] { globals.status = RunStop(*all, globals); });
}

}  // namespace mini::cli
