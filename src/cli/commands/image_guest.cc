// `mini image` on a VM driver: the node's image store is inside the guest, so the same command
// runs there through the driver's shell (`mini image ... --data-dir=/var/lib/mini`), after the
// archives to load are streamed in (minikube's `image load` copies them in the same way).
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands/commands.h"
#include "common/command.h"

namespace mini::cli {
namespace {

constexpr char kGuestDataDir[] = "/var/lib/mini";

}  // namespace

Result<int> RunRedirected(const std::vector<std::string>& argv, int in_fd, int out_fd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (in_fd >= 0) ::dup2(in_fd, STDIN_FILENO);
    if (out_fd >= 0) ::dup2(out_fd, STDOUT_FILENO);
    std::vector<char*> c_argv;
    for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
    c_argv.push_back(nullptr);
    ::execvp(c_argv[0], c_argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) < 0) return ErrnoError(Code::kInternal, errno, "fork");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Result<bool> RunImageCommandInGuest(const Globals& globals, std::vector<std::string> args,
                                    const std::vector<std::string>& files) {
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  MINI_ASSIGN_OR_RETURN(vm::ClusterConfig config, vm::LoadProfile(ctx.home, profile));
  if (config.driver == "native") return false;
  std::vector<std::string> cleanup;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string guest = fmt::format("{}/image-load-{}-{}.tar", kGuestDataDir, ::getpid(), i);
    MINI_ASSIGN_OR_RETURN(std::vector<std::string> copy,
                          vm::ShellCommand(ctx, profile, {"cat >" + ShellQuote(guest)}));
    int in = ::open(files[i].c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return ErrnoError(Code::kNotFound, errno, "opening " + files[i]);
    auto copied = RunRedirected(copy, in, -1);
    ::close(in);
    if (!copied.ok() || *copied != 0) {
      return Error(Code::kUnavailable, "copying {} into the machine failed", files[i]);
    }
    args.push_back(guest);
    cleanup.push_back(guest);
  }
  std::string line = "/usr/bin/mini image";
  for (const auto& a : args) line += " " + ShellQuote(a);
  line += std::string(" --data-dir=") + kGuestDataDir;
  line += "; rc=$?";
  for (const auto& f : cleanup) line += "; rm -f " + ShellQuote(f);
  line += "; exit $rc";
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> argv, vm::ShellCommand(ctx, profile, {line}));
  MINI_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, std::chrono::minutes(10)));
  if (out.exit_code != 0) {
    return Error(Code::kUnavailable, "in the machine: {}", out.output);
  }
  std::cout << out.output;
  return true;
}

}  // namespace mini::cli
