#include "cli/commands/commands.h"
#include "common/files.h"
#include "vm/profile.h"

namespace mini::cli {
namespace {

struct DeleteOptions {
  bool all = false;
  bool purge = false;
};

Status RunDelete(const DeleteOptions& o, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  std::vector<std::string> targets;
  if (o.all) {
    targets = vm::ListProfiles(ctx.home);
  } else {
    MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
    targets.push_back(profile);
    if (o.purge) {
      // Purging the home of a profile that still runs would orphan its machine.
      for (const auto& other : vm::ListProfiles(ctx.home)) {
        if (other != profile) {
          return Error(Code::kFailedPrecondition,
                       "--purge would remove the state of other profiles ({} and maybe more)",
                       other)
              .WithAdvice("run \"mini delete --all --purge\" to delete every profile first")
              .WithReason("MK_USAGE");
        }
      }
    }
  }
  for (const auto& name : targets) {
    MINI_RETURN_IF_ERROR(vm::DeleteCluster(ctx, name));
  }
  if (o.all && targets.empty()) {
    Say("No profiles to delete.");
  }
  if (o.purge) {
    MINI_RETURN_IF_ERROR(RemoveAll(ctx.home.root()).WithReason("HOST_PURGE"));
    Say(fmt::format("Removed {}", ctx.home.root().string()));
  }
  return Status::Ok();
}

}  // namespace

void SetUpDelete(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<DeleteOptions>();
  auto* cmd =
      app.add_subcommand("delete", "Delete a cluster: its machine, files and kubeconfig entries");
  cmd->add_flag("--all", o->all, "Delete every profile");
  cmd->add_flag("--purge", o->purge, "Also remove the whole MINI_HOME directory");
  cmd->callback([o, &globals] { globals.status = RunDelete(*o, globals); });
}

}  // namespace mini::cli
