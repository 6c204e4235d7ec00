#include "vm/lifecycle/machine.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/files.h"
#include "common/process.h"
#include "pki/pki.h"
#include "vm/settings.h"

namespace mini::vm {
namespace fs = std::filesystem;

namespace {
fs::path ProfileFile(const Context& ctx, const std::string& profile, const char* file) {
  return ctx.home.ProfileDir(profile) / file;
}
}  // namespace

Result<FileLock> LockProfile(const Context& ctx, const std::string& profile) {
  auto lock = FileLock::Acquire(ctx.home.ProfileLock(profile), ctx.lock_timeout);
  if (!lock.ok()) {
    return lock.status()
        .WithAdvice("wait for the other mini command working on \"" + profile + "\" to finish")
        .WithReason("MK_PROFILE_BUSY");
  }
  return lock;
}

Result<Machine> OpenMachine(const Context& ctx, const ClusterConfig& config, bool check_host) {
  Machine m;
  if (check_host) {
    MINI_ASSIGN_OR_RETURN(
        m.def, ctx.drivers->Choose(config.driver, {.kvm_qemu_uri = config.kvm_qemu_uri}));
  } else {
    m.def = ctx.drivers->Find(config.driver);
    if (m.def == nullptr) {
      return Error(Code::kNotFound,
                   "profile \"{}\" uses the driver \"{}\", which this mini "
                   "does not have",
                   config.name, config.driver)
          .WithAdvice("use the mini that created it, or \"mini delete -p " + config.name + "\"")
          .WithReason("DRV_UNSUPPORTED");
    }
  }
  m.driver = m.def->create();
  MINI_ASSIGN_OR_RETURN(m.spec.mini_binary, SelfExecutable());
  m.spec.name = config.name;
  m.spec.machine_dir = ctx.home.MachineDir(config.name);
  m.spec.console_log = ctx.home.LogDir(config.name) / "control-plane.log";
  m.spec.cpus = config.cpus;
  m.spec.memory_mb = config.memory_mb;
  m.spec.disk_size_mb = config.disk_size_mb;
  m.spec.apiserver_port = config.apiserver_port;
  m.spec.ca_cert = ctx.home.CaCert();
  m.spec.serving_cert = ProfileFile(ctx, config.name, "apiserver.crt");
  m.spec.serving_key = ProfileFile(ctx, config.name, "apiserver.key");
  m.spec.cache_dir = ctx.home.Cache();
  m.spec.kvm_qemu_uri = config.kvm_qemu_uri;
  m.spec.network = config.network;
  m.spec.kvm_network = config.kvm_network;
  m.spec.say = ctx.say;
  // The node is named after the profile, as minikube names its node.
  m.spec.control_plane_flags.push_back("--node-name=" + config.name);
  for (auto [flag, value] : {std::pair{"--datastore=", &config.datastore},
                             std::pair{"--datastore-cafile=", &config.datastore_ca_file},
                             std::pair{"--datastore-certfile=", &config.datastore_cert_file},
                             std::pair{"--datastore-keyfile=", &config.datastore_key_file}}) {
    if (!value->empty()) {
      m.spec.control_plane_flags.push_back(flag + *value);
    }
  }
  for (const std::string& mirror : config.registry_mirrors) {
    m.spec.control_plane_flags.push_back("--registry-mirror=" + mirror);
  }
  for (const std::string& p : config.ports) {
    size_t colon = p.find(':');
    auto host = ParsePort(p.substr(0, colon), "ports");
    auto guest = ParsePort(colon == std::string::npos ? p : p.substr(colon + 1), "ports");
    MINI_RETURN_IF_ERROR(host.status());
    MINI_RETURN_IF_ERROR(guest.status());
    m.spec.ports.push_back({*host, *guest});
  }
  for (const std::string& mount : config.mounts) {
    size_t colon = mount.find(':');
    if (colon == std::string::npos || mount[0] != '/' || mount.size() <= colon + 1 ||
        mount[colon + 1] != '/') {
      return Error(Code::kInvalidArgument, "invalid --mount-string \"{}\"", mount)
          .WithAdvice("give HOST_DIR:GUEST_DIR, both absolute, such as /home/me/src:/src")
          .WithReason("MK_USAGE");
    }
    m.spec.mounts.push_back({mount.substr(0, colon), mount.substr(colon + 1)});
  }
  for (const std::string& registry : config.insecure_registries) {
    m.spec.control_plane_flags.push_back("--insecure-registry=" + registry);
  }
  return m;
}

Status EnsureCertificates(const Context& ctx, const ClusterConfig& config,
                          const std::string& node_ip) {
  pki::KeyPair ca{ctx.home.CaCert(), ctx.home.CaKey()};
  MINI_ASSIGN_OR_RETURN(pki::Outcome ca_outcome, pki::EnsureCa(ca, {"miniCA", {}}));
  if (ca_outcome == pki::Outcome::kCreated) {
    spdlog::info("generated a new CA at {}", ca.cert.string());
  }
  pki::Names names{{"localhost", "control-plane.mini.internal", "kubernetes", "kubernetes.default",
                    "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", config.name},
                   {"127.0.0.1", "10.96.0.1"}};
  if (!node_ip.empty() && node_ip != "127.0.0.1") {
    names.ips.push_back(node_ip);
  }
  pki::KeyPair serving{ProfileFile(ctx, config.name, "apiserver.crt"),
                       ProfileFile(ctx, config.name, "apiserver.key")};
  MINI_RETURN_IF_ERROR(pki::EnsureServingCert(ca, serving, {"mini", {}}, names).status());
  pki::KeyPair client{ProfileFile(ctx, config.name, "client.crt"),
                      ProfileFile(ctx, config.name, "client.key")};
  return pki::EnsureClientCert(ca, client, {"mini-user", {"system:masters"}}).status();
}

kubeconfig::Entry KubeconfigEntry(const Context& ctx, const std::string& profile,
                                  const Endpoint& endpoint) {
  kubeconfig::Entry e;
  e.name = profile;
  e.server = fmt::format("https://{}:{}", endpoint.host, endpoint.port);
  e.certificate_authority = fs::absolute(ctx.home.CaCert());
  e.client_certificate = fs::absolute(ProfileFile(ctx, profile, "client.crt"));
  e.client_key = fs::absolute(ProfileFile(ctx, profile, "client.key"));
  return e;
}

net::TlsClientConfig AdminTls(const Context& ctx, const std::string& profile,
                              const Endpoint& endpoint) {
  return {ctx.home.CaCert(), ProfileFile(ctx, profile, "client.crt"),
          ProfileFile(ctx, profile, "client.key"), endpoint.host};
}

Status WaitForApiServer(Machine& machine, const net::TlsClientConfig& tls, const Endpoint& endpoint,
                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status last = Error(Code::kDeadlineExceeded, "no answer yet");
  while (std::chrono::steady_clock::now() < deadline) {
    auto state = machine.driver->State(machine.spec);
    if (state.ok() && *state != MachineState::kRunning) {
      return Error(Code::kUnavailable, "the control plane exited before it was ready: {}",
                   LogTail(machine.spec.console_log, 1))
          .WithAdvice("see " + machine.spec.console_log.string())
          .WithReason("GUEST_CONTROL_PLANE");
    }
    auto reply =
        net::HttpsGet(endpoint.host, endpoint.port, "/readyz", tls, std::chrono::seconds(2));
    if (reply.ok() && reply->status == 200) {
      return Status::Ok();
    }
    last = reply.ok() ? Error(Code::kUnavailable, "/readyz answered {}", reply->status)
                      : reply.status();
    spdlog::debug("API server not ready yet: {}", last.message());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Error(Code::kDeadlineExceeded, "the API server was not ready after {} s ({})",
               std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), last.message())
      .WithAdvice("see " + machine.spec.console_log.string())
      .WithReason("GUEST_CONTROL_PLANE");
}

std::string LogTail(const fs::path& log, int lines) {
  auto text = ReadFile(log);
  if (!text.ok()) {
    return "(no output)";
  }
  std::string s = *text;
  while (!s.empty() && s.back() == '\n') {
    s.pop_back();
  }
  size_t start = s.size();
  for (int i = 0; i < lines && start != std::string::npos && start > 0; ++i) {
    start = s.rfind('\n', start - 1);
  }
  return start == std::string::npos ? s : s.substr(start + 1);
}

}  // namespace mini::vm
