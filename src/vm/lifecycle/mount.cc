// `mini mount`: the host directory is served by mini's own 9P2000.L server, bound where the
// driver says the machine can reach the host, and mounted by the guest kernel's 9p client
// over TCP. Nothing is installed on either side, and it works as a non-root user.
#include <spdlog/spdlog.h>

#include "common/command.h"
#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"
#include "vm/ninep/server.h"

namespace mini::vm {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kGuestCommandTimeout{60};

std::string Quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Status CheckPaths(const MountRequest& r) {
  std::error_code ec;
  if (!fs::exists(r.host_dir, ec)) {
    return Error(Code::kNotFound, "the host path {} does not exist", r.host_dir.string())
        .WithAdvice("create it, or give an existing directory")
        .WithReason("HOST_MOUNT");
  }
  if (!fs::is_directory(r.host_dir, ec)) {
    return Error(Code::kInvalidArgument, "the host path {} is not a directory",
                 r.host_dir.string())
        .WithAdvice("give a directory: mini mount shares whole directories")
        .WithReason("HOST_MOUNT");
  }
  if (!r.guest_dir.starts_with('/') || fs::path(r.guest_dir).lexically_normal() == "/") {
    return Error(Code::kInvalidArgument, "the guest path \"{}\" must be absolute and not /",
                 r.guest_dir)
        .WithAdvice("give the directory to mount on, e.g. mini mount ~/src:/mnt/src")
        .WithReason("MK_USAGE");
  }
  return Status::Ok();
}

// Runs `script` in the machine; its output on failure.
Status InGuest(Machine& m, const std::string& script, const std::string& what) {
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> argv, m.driver->ShellCommand(m.spec, {script}));
  MINI_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, kGuestCommandTimeout));
  if (out.exit_code != 0) {
    return Error(Code::kUnavailable, "{} failed (exit code {}): {}", what, out.exit_code,
                 out.output);
  }
  return Status::Ok();
}

std::string MountScript(const MountRequest& r, const HostRoute& route, uint16_t port) {
  std::string options = fmt::format(
      "trans=tcp,port={},version=9p2000.L,msize={},dfltuid={},dfltgid={}", port, r.msize, r.uid,
      r.gid);
  return fmt::format("mkdir -p {0} && mount -t 9p -o {1} {2} {0}", Quote(r.guest_dir), options,
                     route.dial);
}

}  // namespace

Status MountHostDir(const Context& ctx, const std::string& profile, const MountRequest& request,
                    const std::function<void()>& wait) {
  MINI_RETURN_IF_ERROR(CheckPaths(request));
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, LoadProfile(ctx.home, profile));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/false));
  auto route = machine.driver->RouteToHost(machine.spec);
  if (!route.ok()) return route.status().WithReason("GUEST_MOUNT");
  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  MINI_RETURN_IF_ERROR(RequireRunning(profile, state));

  std::string host = fs::absolute(request.host_dir).lexically_normal().string();
  ctx.say(fmt::format("Mounting host path {} into VM as {} ...", host, request.guest_dir));
  ninep::ServerOptions options{.root = host,
                               .bind_address = route->bind,
                               .port = request.port,
                               .max_msize = request.msize,
                               .guest_uid = request.uid,
                               .guest_gid = request.gid};
  auto server = ninep::NewServer(options);
  if (!server.ok()) {
    Status s = server.status().WithContext("starting the file server");
    return s.code() == Code::kFailedPrecondition
               ? s.WithAdvice("choose another --port, or 0 for any free one")
                     .WithReason("HOST_PORT_IN_USE")
               : s.WithReason("HOST_MOUNT");
  }
  uint16_t port = (*server)->port();
  ctx.say(fmt::format("Userspace file server: 9P2000.L on {}:{}, reached from the VM as {}:{}",
                      route->bind, port, route->dial, port));
  Status mounted = InGuest(machine, MountScript(request, *route, port), "mounting in the VM");
  if (!mounted.ok()) {
    return mounted.WithAdvice("see \"mini ssh -- dmesg\" for the guest kernel's reason")
        .WithReason("GUEST_MOUNT");
  }
  ctx.say(fmt::format("Successfully mounted {} to {}", host, request.guest_dir));
  ctx.say("NOTE: This process must stay alive for the mount to be accessible ...");
  wait();

  ctx.say(fmt::format("Unmounting {} ...", request.guest_dir));
  // Lazily: a shell or pod still inside the directory does not keep the mount (and this
  // process) waiting.
  Status unmounted = InGuest(machine, "umount -l " + Quote(request.guest_dir), "unmounting");
  (*server)->Stop();
  return unmounted.WithReason("GUEST_MOUNT");
}

}  // namespace mini::vm
