#include <iostream>

#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpIp(CLI::App& app, Globals& globals) {
  auto* cmd = app.add_subcommand("ip", "Print the IP address of the cluster's node");
  cmd->callback([&globals] {
    globals.status = [&]() -> Status {
      MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
      MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
      MINI_ASSIGN_OR_RETURN(vm::ClusterConfig config, vm::LoadProfile(ctx.home, profile));
      if (config.node_ip.empty()) {
        return Error(Code::kUnavailable, "the \"{}\" cluster has not started yet", profile)
            .WithAdvice("run \"mini start -p " + profile + "\"")
            .WithReason("GUEST_NOT_RUNNING");
      }
      std::cout << config.node_ip << "\n";
      return Status::Ok();
    }();
  });
}

}  // namespace mini::cli
