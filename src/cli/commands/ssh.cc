#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpSsh(CLI::App& app, Globals& globals) {
  auto command = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "ssh", "Log into the cluster's machine, or run a command there: mini ssh -- uname -a");
  cmd->add_option("command", *command, "The command to run (default: an interactive shell)");
  cmd->callback([command, &globals] {
    globals.status = [&]() -> Status {
      MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
      MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
      MINI_ASSIGN_OR_RETURN(std::vector<std::string> argv,
                            vm::ShellCommand(ctx, profile, *command));
      // Replaced by the client, so the terminal, signals and exit code are the command's.
      std::vector<char*> c_argv;
      for (auto& a : argv) c_argv.push_back(a.data());
      c_argv.push_back(nullptr);
      ::execvp(c_argv[0], c_argv.data());
      int err = errno;
      return Error(err == ENOENT ? Code::kNotFound : Code::kInternal, "cannot run {}: {}", argv[0],
                   std::strerror(err))
          .WithAdvice("install it: sudo apt-get install dropbear-bin")
          .WithReason("HOST_SSH");
    }();
  });
}

}  // namespace mini::cli
