// mini: a local Kubernetes for developers. Builds the command tree, parses, runs one command
// and turns its Status into minikube-style output and exit codes, in this one place.
#include <algorithm>
#include <iostream>

#include "cli/app.h"
#include "cli/commands/commands.h"
#include "common/log.h"

namespace {

int ParseFailure(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    return app.exit(e);  // --help
  }
  std::string message = e.what();
  std::string help = "mini --help";
  if (app.get_subcommands().empty()) {
    auto extras = app.remaining();
    if (extras.empty()) {
      std::cout << app.help();  // bare `mini`, as minikube does
      return 0;
    }
    message = "unknown command \"" + extras.front() + "\"";
  } else {
    help = "mini " + app.get_subcommands().back()->get_name() + " --help";
  }
  mini::cli::PrintError(mini::Status(mini::Code::kInvalidArgument, message)
                            .WithAdvice("run \"" + help + "\" for the commands and flags")
                            .WithReason("MK_USAGE"));
  return 14;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mini provisions and manages local Kubernetes clusters for development."};
  app.name("mini");
  app.require_subcommand(1);
  app.fallthrough();  // global flags are accepted after the command too
  mini::cli::Globals globals;
  globals.profile_option = app.add_option("-p,--profile", globals.profile,
                                          "The profile (cluster) to act on (default \"mini\")");
  app.add_flag("-v,--v", globals.verbosity, "Log verbosity: -v info, -vv debug, -vvv trace");
  app.add_flag("--alsologtostderr", globals.also_log_to_stderr, "Log to stderr as well");
  app.parse_complete_callback(
      [&globals] { mini::SetUpLogging(globals.verbosity, globals.also_log_to_stderr); });

  using namespace mini::cli;  // NOLINT: the command table reads better unqualified
  for (auto set_up : {SetUpStart, SetUpStop, SetUpDelete, SetUpStatus, SetUpProfile, SetUpConfig,
                      SetUpUpdateContext, SetUpKubectl, SetUpIp, SetUpLogs, SetUpVersion,
                      SetUpCompletion, SetUpControlPlane, SetUpShim, SetUpImage, SetUpSsh, SetUpCp,
                      SetUpPause, SetUpIso, SetUpMount}) {
    set_up(app, globals);
  }
  std::vector<std::string> args(argv, argv + argc);
  globals.passthrough = SplitPassthrough(args);
  std::reverse(args.begin() + 1, args.end());  // CLI11 takes its vector back to front
  args.erase(args.begin());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return ParseFailure(app, e);
  }
  if (!globals.status.ok()) {
    PrintError(globals.status);
    return ExitCodeFor(globals.status);
  }
  return globals.exit_code.value_or(0);
}
