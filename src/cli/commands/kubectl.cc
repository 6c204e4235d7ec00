#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cli/commands/commands.h"

namespace mini::cli {
namespace {

// Replaces this process with kubectl, so its terminal handling, signals and exit code are
// exactly kubectl's.
Status ExecKubectl(const std::string& profile, std::vector<std::string> args) {
  if (!args.empty() && args.front() == "--") {
    args.erase(args.begin());
  }
  std::vector<std::string> argv = {"kubectl", "--context", profile};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) {
    c_argv.push_back(a.data());
  }
  c_argv.push_back(nullptr);
  ::execvp("kubectl", c_argv.data());
  int err = errno;
  return Error(err == ENOENT ? Code::kNotFound : Code::kInternal, "cannot run kubectl: {}",
               std::strerror(err))
      .WithAdvice("install it (apt-get install kubernetes-client) or put it on PATH")
      .WithReason("HOST_KUBECTL");
}

}  // namespace

void SetUpKubectl(CLI::App& app, Globals& globals) {
  auto* cmd = app.add_subcommand("kubectl",
                                 "Run kubectl against the profile's cluster: "
                                 "mini kubectl -- get pods");
  cmd->callback([&globals] {
    globals.status = [&]() -> Status {
      MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
      return ExecKubectl(profile, globals.passthrough);
    }();
  });
}

std::vector<std::string> SplitPassthrough(std::vector<std::string>& args) {
  // Global flags that take a value, so their value is not mistaken for the command.
  auto takes_value = [](const std::string& a) { return a == "-p" || a == "--profile"; };
  size_t i = 1;
  while (i < args.size() && args[i].starts_with("-")) {
    i += takes_value(args[i]) ? 2 : 1;
  }
  if (i >= args.size() || args[i] != "kubectl") {
    return {};
  }
  auto dashes = std::find(args.begin() + static_cast<long>(i), args.end(), "--");
  auto first = dashes == args.end() ? args.begin() + static_cast<long>(i) + 1 : dashes + 1;
  std::vector<std::string> passthrough(first, args.end());
  args.erase(dashes == args.end() ? first : dashes, args.end());
  return passthrough;
}

}  // namespace mini::cli
