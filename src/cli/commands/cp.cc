// `mini cp`: copies a file between the host and the profile's machine, as minikube's does:
// `mini cp FILE /guest/path` copies in, `mini cp NODE:/guest/path FILE` copies out (NODE is the
// profile's node name). The file travels through the driver's shell.
#include <fcntl.h>
#include <unistd.h>

#include "cli/commands/commands.h"

namespace mini::cli {
namespace {

Status RunCp(const Globals& globals, const std::string& src, const std::string& dst) {
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  // A guest path is absolute, optionally after "<node>:".
  auto guest_path = [&](const std::string& arg) -> std::string {
    if (arg.starts_with(profile + ":/")) return arg.substr(profile.size() + 1);
    return "";
  };
  std::string from_guest = guest_path(src);
  std::string to_guest = guest_path(dst);
  if (from_guest.empty() && to_guest.empty() && dst.starts_with("/")) to_guest = dst;
  if (from_guest.empty() == to_guest.empty()) {
    return Error(Code::kInvalidArgument, "one of \"{}\" and \"{}\" must be in the machine", src, dst)
        .WithAdvice(fmt::format("copy in with \"mini cp FILE /path\", out with \"mini cp {}:/path FILE\"",
                                profile))
        .WithReason("MK_USAGE");
  }
  bool in = !to_guest.empty();
  std::string remote = in ? "cat > " + ShellQuote(to_guest) : "cat " + ShellQuote(from_guest);
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> argv, vm::ShellCommand(ctx, profile, {remote}));
  const std::string& local = in ? src : dst;
  int fd = in ? ::open(local.c_str(), O_RDONLY | O_CLOEXEC)
              : ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(Code::kNotFound, errno, "opening " + local);
  auto code = RunRedirected(argv, in ? fd : -1, in ? -1 : fd);
  ::close(fd);
  MINI_RETURN_IF_ERROR(code.status());
  if (*code != 0) {
    return Error(Code::kUnavailable, "copying {} to {} failed (exit code {})", src, dst, *code)
        .WithReason("GUEST_CP");
  }
  return Status::Ok();
}

}  // namespace

void SetUpCp(CLI::App& app, Globals& globals) {
  auto args = std::make_shared<std::pair<std::string, std::string>>();
  auto* cmd = app.add_subcommand(
      "cp", "Copy a file into the machine (mini cp FILE /path) or out (mini cp mini:/path FILE)");
  cmd->add_option("source", args->first, "File to copy")->required();
  cmd->add_option("target", args->second, "Where to copy it")->required();
  cmd->callback([args, &globals] { globals.status = RunCp(globals, args->first, args->second); });
}

}  // namespace mini::cli
