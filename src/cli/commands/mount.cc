// `mini mount HOST_DIR:GUEST_DIR`: shares a host directory into the running machine until
// Ctrl-C (SIGINT) or SIGTERM, as minikube's mount does; the guest's mount goes with it.
#include <signal.h>

#include "cli/commands/commands.h"

namespace mini::cli {
namespace {

struct MountOptions {
  std::string spec;  // HOST:GUEST
  uint16_t port = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t msize = 262144;
  std::string version = "9p2000.L";
};

Status RunMount(const Globals& globals, const MountOptions& o) {
  size_t colon = o.spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == o.spec.size()) {
    return Error(Code::kInvalidArgument, "\"{}\" is not HOST_DIR:GUEST_DIR", o.spec)
        .WithAdvice("e.g. mini mount $HOME/src:/mnt/src")
        .WithReason("MK_USAGE");
  }
  vm::MountRequest request{o.spec.substr(0, colon), o.spec.substr(colon + 1), o.port, o.uid,
                           o.gid, o.msize};
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  // Blocked before the file server's thread exists, so only sigwait below sees them; the
  // commands run in the guest start with them unblocked.
  sigset_t stop;
  sigemptyset(&stop);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, s);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return vm::MountHostDir(ctx, profile, request, [&stop] {
    int received = 0;
    sigwait(&stop, &received);
  });
}

}  // namespace

void SetUpMount(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<MountOptions>();
  auto* cmd = app.add_subcommand(
      "mount", "Share a host directory into the machine until interrupted: mini mount HOST:GUEST");
  cmd->add_option("source:target", o->spec, "The host directory and where the guest sees it")
      ->required();
  cmd->add_option("--port", o->port, "The file server's port (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--uid", o->uid, "The user id the guest sees owning the files")
      ->capture_default_str();
  cmd->add_option("--gid", o->gid, "The group id the guest sees owning the files")
      ->capture_default_str();
  cmd->add_option("--msize", o->msize, "The largest 9P message, in bytes")
      ->check(CLI::Range(8192u, 1u << 20))
      ->capture_default_str();
  cmd->add_option("--9p-version", o->version, "The 9P protocol version")
      ->check(CLI::IsMember({"9p2000.L"}))
      ->capture_default_str();
  cmd->callback([o, &globals] { globals.status = RunMount(globals, *o); });
}

}  // namespace mini::cli
