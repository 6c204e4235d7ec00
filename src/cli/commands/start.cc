#include <cstdlib>
#include <sstream>
#include <string_view>

#include "cli/commands/commands.h"
#include "common/version.h"
#include "vm/settings.h"

namespace mini::cli {
namespace {

struct StartOptions {
  std::string driver, cpus, memory, disk_size, apiserver_port;
  bool keep_context = false;
  std::string wait_timeout = "6m";
  std::string wait = "apiserver";
  std::string kubernetes_version;
  std::string kvm_qemu_uri, network, kvm_network;
  std::string datastore, datastore_ca_file, datastore_cert_file, datastore_key_file;
  std::vector<std::string> registry_mirrors, insecure_registries, ports, mounts;
};

// Mirrors are base URLs: a bare host would leave the scheme to guess.
Status CheckMirrors(const std::vector<std::string>& mirrors) {
  for (const std::string& mirror : mirrors) {
    if (!mirror.starts_with("https://") && !mirror.starts_with("http://")) {
      return Error(Code::kInvalidArgument, "invalid --registry-mirror \"{}\"", mirror)
          .WithAdvice("give a URL such as https://mirror.example:5000")
          .WithReason("MK_USAGE");
    }
  }
  return Status::Ok();
}

// minikube's qemu driver names QEMU's own network "builtin"; mini calls it "user", as QEMU does.
Result<std::string> ParseNetwork(const std::string& text) {
  if (text == "builtin") return std::string("user");
  if (text.empty() || text == "user" || text == "bridge") return text;
  return Error(Code::kInvalidArgument, "invalid --network \"{}\"", text)
      .WithAdvice(
          "give user (QEMU's own network, the default; alias builtin) or bridge (a host "
          "bridge, as root)")
      .WithReason("MK_USAGE");
}

// Flag, else `mini config` default, else built-in default.
std::string Pick(const std::string& flag, const vm::Settings& settings, const char* key,
                 std::string fallback) {
  return !flag.empty() ? flag : settings.Get(key).value_or(std::move(fallback));
}

Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  size_t digits = text.find_first_not_of("0123456789");
  std::string unit = digits == std::string::npos ? "s" : text.substr(digits);
  int64_t scale = unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
  if (digits == 0 || scale == 0 || text.size() > 9) {
    return Error(Code::kInvalidArgument, "invalid --wait-timeout \"{}\"", text)
        .WithAdvice("give a duration such as 90s, 6m or 1h")
        .WithReason("MK_USAGE");
  }
  return std::chrono::milliseconds(std::stoll(text.substr(0, digits)) * scale);
}

// minikube's --wait components, mapped onto what mini can wait for: nothing, the API server,
// or the node (the kubelet registered and Ready, which needs everything before it).
Result<vm::StartRequest::WaitFor> ParseWait(const std::string& text) {
  using W = vm::StartRequest::WaitFor;
  if (text == "none" || text == "false") return W::kNone;
  W wait = W::kApiServer;
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, ',');) {
    if (part == "all" || part == "true" || part == "node_ready" || part == "kubelet" ||
        part == "system_pods" || part == "apps_running" || part == "default_sa") {
      wait = W::kNode;
    } else if (part != "apiserver") {
      return Error(Code::kInvalidArgument, "invalid --wait \"{}\"", text)
          .WithAdvice("give all, none, or a list of apiserver, kubelet, node_ready, system_pods")
          .WithReason("MK_USAGE");
    }
  }
  return wait;
}

// One Kubernetes version is served; asking for another is refused rather than ignored.
Status CheckKubernetesVersion(const std::string& asked) {
  std::string ours = vm::kKubernetesVersion;
  if (asked.empty() || asked == "stable" || asked == "latest" || asked == ours ||
      "v" + asked == ours) {
    return Status::Ok();
  }
  return Error(Code::kInvalidArgument, "mini serves Kubernetes {} only, not \"{}\"", ours, asked)
      .WithAdvice("leave out --kubernetes-version, or give " + ours)
      .WithReason("K8S_UNSUPPORTED_VERSION");
}

Result<vm::StartRequest> BuildRequest(const StartOptions& o, const std::string& profile) {
  MINI_ASSIGN_OR_RETURN(vm::Home home, vm::Home::FromEnvironment());
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, vm::Settings::Load(home));
  vm::StartRequest r;
  r.config.name = profile;
  for (auto [flag, value] :
       {std::pair{"driver", &o.driver}, std::pair{"cpus", &o.cpus}, std::pair{"memory", &o.memory},
        std::pair{"disk-size", &o.disk_size}, std::pair{"apiserver-port", &o.apiserver_port},
        std::pair{"network", &o.network}, std::pair{"kvm-network", &o.kvm_network}}) {
    if (!value->empty()) {
      r.given.insert(flag);
    }
  }
  r.config.driver = Pick(o.driver, settings, "driver", "");
  MINI_ASSIGN_OR_RETURN(r.config.cpus, vm::ParseCpus(Pick(o.cpus, settings, "cpus", "2")));
  MINI_ASSIGN_OR_RETURN(r.config.memory_mb,
                        vm::ParseMegabytes(Pick(o.memory, settings, "memory", "4096"), "memory"));
  MINI_ASSIGN_OR_RETURN(
      r.config.disk_size_mb,
      vm::ParseMegabytes(Pick(o.disk_size, settings, "disk-size", "20000"), "disk-size"));
  MINI_ASSIGN_OR_RETURN(
      r.config.apiserver_port,
      vm::ParsePort(Pick(o.apiserver_port, settings, "apiserver-port", "8443"), "apiserver-port"));
  r.keep_context = o.keep_context;
  r.config.datastore = o.datastore;
  for (auto [in, out] : {std::pair{&o.datastore_ca_file, &r.config.datastore_ca_file},
                         std::pair{&o.datastore_cert_file, &r.config.datastore_cert_file},
                         std::pair{&o.datastore_key_file, &r.config.datastore_key_file}}) {
    // Absolute, because the control plane does not run where this command does.
    *out = in->empty() ? "" : std::filesystem::absolute(*in).string();
  }
  MINI_RETURN_IF_ERROR(CheckMirrors(o.registry_mirrors));
  r.config.registry_mirrors = o.registry_mirrors;
  r.config.insecure_registries = o.insecure_registries;
  r.config.ports = o.ports;
  r.config.kvm_qemu_uri = o.kvm_qemu_uri;
  MINI_ASSIGN_OR_RETURN(r.config.network, ParseNetwork(o.network));
  r.config.kvm_network = o.kvm_network;
  for (const std::string& mount : o.mounts) {
    // The host side absolute, because QEMU does not run where this command does.
    size_t colon = mount.find(':');
    r.config.mounts.push_back(colon == std::string::npos
                                  ? mount
                                  : std::filesystem::absolute(mount.substr(0, colon)).string() +
                                        mount.substr(colon));
  }
  // A test seam, not a setting: lets a driver that could share at boot (qemu) exercise the
  // background mounts that drivers without boot-time shares (virtualbox) always use.
  const char* background = std::getenv("MINI_TEST_BACKGROUND_MOUNTS");
  r.mounts_in_background = background != nullptr && std::string_view(background) == "1";
  MINI_ASSIGN_OR_RETURN(r.wait_timeout, ParseDuration(o.wait_timeout));
  MINI_ASSIGN_OR_RETURN(r.wait, ParseWait(o.wait));
  MINI_RETURN_IF_ERROR(CheckKubernetesVersion(o.kubernetes_version));
  return r;
}

Status RunStart(const StartOptions& options, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::StartRequest request, BuildRequest(options, profile));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  Say(fmt::format("mini {}", Version()));
  Say(fmt::format("Kubernetes {} (served by the mini control plane)", vm::kKubernetesVersion));
  return vm::StartCluster(ctx, request);
}

}  // namespace

void SetUpStart(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<StartOptions>();
  auto* cmd = app.add_subcommand("start", "Start a local Kubernetes cluster");
  cmd->add_option("-d,--driver", o->driver, "Driver to use (default: the best one available)");
  cmd->add_option("--cpus", o->cpus, "Number of CPUs of the machine, or max");
  cmd->add_option("-m,--memory", o->memory, "Memory of the machine (e.g. 4096, 4g)");
  cmd->add_option("--disk-size", o->disk_size, "Size of the machine's data disk (e.g. 20g)");
  cmd->add_option("--apiserver-port", o->apiserver_port, "Port the API server listens on");
  cmd->add_flag("--keep-context", o->keep_context, "Do not switch kubectl's current context");
  cmd->add_option(
      "--datastore", o->datastore,
      "Datastore: sqlite (embedded, default), etcd://host:2379[,host:2379], etcds://...");
  cmd->add_option("--datastore-cafile", o->datastore_ca_file, "CA of an etcds:// datastore");
  cmd->add_option("--datastore-certfile", o->datastore_cert_file, "Client certificate for etcd");
  cmd->add_option("--datastore-keyfile", o->datastore_key_file, "Client key for etcd");
  cmd->add_option("--registry-mirror", o->registry_mirrors,
                  "Docker Hub mirror URL tried before Docker Hub (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--insecure-registry", o->insecure_registries,
                  "Registry host[:port] pulled from without TLS verification, or over plain "
                  "HTTP (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--ports", o->ports,
                  "Guest ports to forward from 127.0.0.1: HOST:GUEST or PORT (repeatable; VM "
                  "drivers)")
      ->allow_extra_args(false)
      ->delimiter(',');
  cmd->add_option("--mount-string", o->mounts,
                  "Share a host directory into the machine: HOST_DIR:GUEST_DIR (repeatable; VM "
                  "drivers, over 9p; virtualbox by a background mini mount)")
      ->allow_extra_args(false);
  cmd->add_option("--kvm-qemu-uri", o->kvm_qemu_uri,
                  "The libvirt daemon of the kvm2 driver (default qemu:///system)");
  cmd->add_option("--network", o->network,
                  "The qemu driver's network: user (default; alias builtin), or bridge (a host "
                  "bridge and tap device the machine is reached on; needs root)");
  cmd->add_option("--kvm-network", o->kvm_network,
                  "An existing libvirt network for the kvm2 driver, such as default (default: "
                  "a network of the machine's own, mini-<profile>)");
  cmd->add_option("--wait", o->wait,
                  "What to wait for: apiserver (default), all (the node Ready too), or none");
  cmd->add_option("--kubernetes-version", o->kubernetes_version,
                  "Kubernetes version (mini serves " + std::string(vm::kKubernetesVersion) + ")");
  cmd->add_option("--wait-timeout", o->wait_timeout,
                  "How long to wait for the cluster to be ready (e.g. 90s, 6m)");
  cmd->callback([o, &globals] { globals.status = RunStart(*o, globals); });
}

}  // namespace mini::cli
