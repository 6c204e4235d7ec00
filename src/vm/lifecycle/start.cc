#include <spdlog/spdlog.h>

#include <thread>
#include <tuple>
#include <utility>

#include "common/files.h"
#include "vm/lifecycle/background_mount.h"
#include "vm/lifecycle/lifecycle.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

namespace {
// An existing profile keeps its configuration: another driver is refused, and a size or port
// that cannot change on an existing machine is reported rather than silently ignored. Registry
// mirrors and insecure registries given again replace the kept ones: they only take effect
// when the control plane starts, so nothing on the machine has to change.
Result<ClusterConfig> ResolveConfig(const Context& ctx, const StartRequest& request) {
  const ClusterConfig& wanted = request.config;
  if (!ProfileExists(ctx.home, wanted.name)) {
    return wanted;
  }
  MINI_ASSIGN_OR_RETURN(ClusterConfig existing, LoadProfile(ctx.home, wanted.name));
  if (request.given.count("driver") &&
      ctx.drivers->Find(wanted.driver) != ctx.drivers->Find(existing.driver)) {
    return Error(Code::kFailedPrecondition,
                 "profile \"{}\" exists with the {} driver; it cannot switch to {}", wanted.name,
                 existing.driver, wanted.driver)
        .WithAdvice(fmt::format("run \"mini delete -p {}\" first, or start another profile with -p",
                                wanted.name))
        .WithReason("GUEST_DRIVER_MISMATCH");
  }
  struct Field {
    const char* flag;
    int64_t kept, asked;
  };
  for (auto [flag, kept, asked] :
       {Field{"cpus", existing.cpus, wanted.cpus},
        Field{"memory", existing.memory_mb, wanted.memory_mb},
        Field{"disk-size", existing.disk_size_mb, wanted.disk_size_mb},
        Field{"apiserver-port", existing.apiserver_port, wanted.apiserver_port}}) {
    if (request.given.count(flag) && kept != asked) {
      ctx.say(
          fmt::format("! The {} of an existing cluster cannot change; keeping {}. Run \"mini "
                      "delete -p {}\" first to change it.",
                      flag, kept, wanted.name));
    }
  }
  // The network decides the machine's address, which its certificate and kubeconfig hold.
  auto qemu_network = [](const std::string& n) { return n.empty() ? std::string("user") : n; };
  for (auto [flag, kept, asked] :
       {std::tuple{"network", qemu_network(existing.network), qemu_network(wanted.network)},
        std::tuple{"kvm-network", existing.kvm_network, wanted.kvm_network}}) {
    if (request.given.count(flag) && kept != asked) {
      ctx.say(
          fmt::format("! The {} of an existing cluster cannot change; keeping \"{}\". Run "
                      "\"mini delete -p {}\" first to change it.",
                      flag, kept, wanted.name));
    }
  }
  if (!wanted.registry_mirrors.empty()) {
    existing.registry_mirrors = wanted.registry_mirrors;
  }
  if (!wanted.insecure_registries.empty()) {
    existing.insecure_registries = wanted.insecure_registries;
  }
  // Forwards and shares are set up at each boot, so new ones replace the kept ones too.
  if (!wanted.ports.empty()) {
    existing.ports = wanted.ports;
  }
  if (!wanted.mounts.empty()) {
    existing.mounts = wanted.mounts;
  }
  return existing;
}

// Checked before the profile is saved, so a machine too small to run is never recorded.
Status CheckSizes(const DriverDef& def, const ClusterConfig& c) {
  if (c.memory_mb < def.min_memory_mb) {
    return Error(Code::kInvalidArgument,
                 "--memory={} MB is less than the {} driver's minimum of {} MB", c.memory_mb,
                 def.name, def.min_memory_mb)
        .WithAdvice(fmt::format("give at least --memory={}mb", def.min_memory_mb))
        .WithReason("RSRC_INSUFFICIENT_MEMORY");
  }
  if (c.disk_size_mb < def.min_disk_mb) {
    return Error(Code::kInvalidArgument,
                 "--disk-size={} MB is less than the {} driver's minimum of {} MB", c.disk_size_mb,
                 def.name, def.min_disk_mb)
        .WithAdvice(fmt::format("give at least --disk-size={}mb", def.min_disk_mb))
        .WithReason("RSRC_INSUFFICIENT_STORAGE");
  }
  return Status::Ok();
}

// Checks the --mount-string directories, and takes out of the driver's spec those that are
// shared by background `mini mount`s once the guest is up, so the driver boots without them.
Result<std::vector<SharedDir>> TakeLaterMounts(const StartRequest& request, Machine& machine) {
  for (const SharedDir& m : machine.spec.mounts) {
    if (!std::filesystem::is_directory(m.host)) {
      return Error(Code::kNotFound, "--mount-string: {} is not a directory", m.host.string())
          .WithAdvice("create it, or give an existing host directory")
          .WithReason("HOST_MOUNT");
    }
  }
  if (!machine.driver->SharesAtStart() || request.mounts_in_background) {
    return std::exchange(machine.spec.mounts, {});
  }
  return std::vector<SharedDir>{};
}

bool ApiServerReady(const Context& ctx, const std::string& profile, Machine& machine) {
  auto endpoint = machine.driver->ApiEndpoint(machine.spec);
  return endpoint.ok() && WaitForApiServer(machine, AdminTls(ctx, profile, *endpoint), *endpoint,
                                           std::chrono::seconds(2))
                              .ok();
}

Status WaitForNode(const Context& ctx, const std::string& profile, const Endpoint& endpoint,
                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (KubeletState(AdminTls(ctx, profile, endpoint), endpoint, profile) != "Running") {
    if (std::chrono::steady_clock::now() > deadline) {
      return Error(Code::kDeadlineExceeded, "the node \"{}\" was not Ready after {} s", profile,
                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count())
          .WithAdvice("see \"mini logs -p " + profile + "\"")
          .WithReason("GUEST_NODE_NOT_READY");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Ok();
}

Status WireKubeconfig(const Context& ctx, const ClusterConfig& config, Machine& machine,
                      bool keep_context) {
  MINI_ASSIGN_OR_RETURN(Endpoint endpoint, machine.driver->ApiEndpoint(machine.spec));
  spdlog::info("writing kubeconfig entries \"{}\" to {}", config.name, ctx.kubeconfig.string());
  return kubeconfig::Upsert(ctx.kubeconfig, KubeconfigEntry(ctx, config.name, endpoint),
                            !keep_context)
      .WithReason("HOST_KUBECONFIG_WRITE");
}
}  // namespace

Status StartCluster(const Context& ctx, const StartRequest& request) {
  MINI_RETURN_IF_ERROR(ValidateProfileName(request.config.name));
  MINI_ASSIGN_OR_RETURN(FileLock lock, LockProfile(ctx, request.config.name));
  MINI_ASSIGN_OR_RETURN(ClusterConfig config, ResolveConfig(ctx, request));
  MINI_ASSIGN_OR_RETURN(Machine machine, OpenMachine(ctx, config, /*check_host=*/true));
  config.driver = machine.def->name;
  MINI_RETURN_IF_ERROR(CheckSizes(*machine.def, config));
  // Said rather than refused, as minikube does with flags of another driver.
  if (config.network == "bridge" && config.driver != "qemu") {
    ctx.say(fmt::format("! --network=bridge is for the qemu driver; the {} driver ignores it",
                        config.driver));
  }
  if (!config.kvm_network.empty() && config.driver != "kvm2") {
    ctx.say(fmt::format("! --kvm-network is for the kvm2 driver; the {} driver ignores it",
                        config.driver));
  }
  MINI_ASSIGN_OR_RETURN(std::vector<SharedDir> later, TakeLaterMounts(request, machine));

  MINI_ASSIGN_OR_RETURN(MachineState state, machine.driver->State(machine.spec));
  spdlog::info("profile {}: driver {}, machine {}", config.name, config.driver, StateName(state));
  if (state == MachineState::kRunning && machine.driver->Paused(machine.spec)) {
    ctx.say("Unpausing the cluster ...");
    MINI_RETURN_IF_ERROR(machine.driver->Pause(machine.spec, false).WithReason("GUEST_UNPAUSE"));
  }
  if (state == MachineState::kRunning && ApiServerReady(ctx, config.name, machine)) {
    if (!request.config.ports.empty() || !request.config.mounts.empty()) {
      MINI_RETURN_IF_ERROR(SaveProfile(ctx.home, config));
    }
    if (!request.config.ports.empty()) {
      // A VM driver may forward new ports without a restart (the others' Start does nothing).
      MINI_RETURN_IF_ERROR(machine.driver->Start(machine.spec));
    }
    MINI_RETURN_IF_ERROR(WireKubeconfig(ctx, config, machine, request.keep_context));
    if (!later.empty()) {
      MINI_RETURN_IF_ERROR(EnsureBackgroundMounts(ctx, machine, later));
    }
    ctx.say(fmt::format("The \"{}\" cluster is already running; nothing to do.", config.name));
    return Status::Ok();
  }
  // Mounts of an earlier boot are ended while the guest can still unmount them.
  MINI_RETURN_IF_ERROR(StopBackgroundMounts(ctx, config.name));
  if (state == MachineState::kRunning || state == MachineState::kError) {
    // A half-alive or crashed control plane is restarted from scratch, keeping its data.
    ctx.say("Restarting the control plane, which was not healthy ...");
    MINI_RETURN_IF_ERROR(machine.driver->Kill(machine.spec));
  }

  MINI_ASSIGN_OR_RETURN(config.node_ip, machine.driver->NodeIP(machine.spec));
  MINI_RETURN_IF_ERROR(SaveProfile(ctx.home, config));
  MINI_RETURN_IF_ERROR(EnsureCertificates(ctx, config, config.node_ip)
                           .WithContext("preparing certificates")
                           .WithReason("HOST_CERTS"));
  ctx.say(fmt::format("Starting the \"{}\" control plane with the {} driver ...", config.name,
                      config.driver));
  MINI_RETURN_IF_ERROR(machine.driver->Start(machine.spec));
  // Asked only now: a VM driver may learn its forwarded port while starting.
  MINI_ASSIGN_OR_RETURN(Endpoint endpoint, machine.driver->ApiEndpoint(machine.spec));
  if (request.wait == StartRequest::WaitFor::kNone) {
    MINI_RETURN_IF_ERROR(WireKubeconfig(ctx, config, machine, request.keep_context));
    ctx.say(fmt::format("Started \"{}\" without waiting for it to be ready (--wait=none)",
                        config.name));
    for (const SharedDir& m : later) {
      ctx.say(fmt::format(
          "! {} is not mounted yet: run \"mini start -p {}\" again once the cluster is up",
          m.host.string(), config.name));
    }
    return Status::Ok();
  }
  spdlog::info("waiting up to {} s for https://{}:{}/readyz",
               std::chrono::duration_cast<std::chrono::seconds>(request.wait_timeout).count(),
               endpoint.host, endpoint.port);
  Status ready = WaitForApiServer(machine, AdminTls(ctx, config.name, endpoint), endpoint,
                                  request.wait_timeout);
  if (!ready.ok()) {
    // Leave nothing running that status would have to explain.
    (void)machine.driver->Kill(machine.spec);
    return ready;
  }
  if (request.wait == StartRequest::WaitFor::kNode) {
    ctx.say("Waiting for the node to be Ready ...");
    MINI_RETURN_IF_ERROR(WaitForNode(ctx, config.name, endpoint, request.wait_timeout));
  }
  MINI_RETURN_IF_ERROR(WireKubeconfig(ctx, config, machine, request.keep_context));
  if (!later.empty()) {
    MINI_RETURN_IF_ERROR(EnsureBackgroundMounts(ctx, machine, later));
  }
  ctx.say(
      fmt::format("Done! kubectl is now configured to use \"{}\" cluster and \"default\" "
                  "namespace by default",
                  config.name));
  return Status::Ok();
}

}  // namespace mini::vm
