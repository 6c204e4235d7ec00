// `mini control-plane`: the all-in-one process that runs the cluster's components in order and
// serves their health. The same entry point runs on the host (native driver) and in the guest.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace mini::cluster {

struct ControlPlaneOptions {
  std::filesystem::path data_dir;  // durable state (datastore, images, volumes)
  std::string bind_address = "0.0.0.0";
  uint16_t secure_port = 8443;
  /// Where in-cluster clients reach the API server (the `kubernetes` Service's endpoint) and
  /// the node's InternalIP; empty (or loopback) means the host's primary IPv4 address.
  std::string advertise_address;
  /// The node's name; empty means the host name.
  std::string node_name;
  std::filesystem::path tls_cert_file;  // serving certificate
  std::filesystem::path tls_private_key_file;
  std::filesystem::path client_ca_file;  // client certificates must chain to this CA
  /// Signs service-account tokens; created when missing. Empty means <data_dir>/sa.key.
  std::filesystem::path service_account_key_file;
  /// The datastore URL (see store/open.h); empty means the embedded store in data_dir.
  std::string datastore;
  std::filesystem::path datastore_ca_file;  // TLS to an etcd datastore
  std::filesystem::path datastore_cert_file;
  std::filesystem::path datastore_key_file;
  /// How often history older than one interval is compacted away.
  std::chrono::milliseconds compaction_interval{std::chrono::minutes(5)};
  /// Registry mirrors ("https://mirror.example") the kubelet tries before Docker Hub.
  std::vector<std::string> registry_mirrors;
  /// Registries ("host" or "host:port") pulled from without TLS verification, or over HTTP.
  std::vector<std::string> insecure_registries;
};

/// Runs until SIGTERM or SIGINT, then shuts down gracefully. Returns the process exit code:
/// 0 after a clean shutdown, non-zero (with one line on stderr saying why) when a component
/// could not start, e.g. the port is taken.
/// Exit code 3 means the secure port was taken, 1 any other start failure.
int RunControlPlane(const ControlPlaneOptions& options);

/// For running the control plane inside another program (tests, an in-process host).
struct RunHooks {
  std::stop_token stop;                                // a stop request shuts down as SIGTERM does
  std::function<void(uint16_t secure_port)> on_ready;  // once serving, with the bound port
};

/// RunControlPlane that also returns when `hooks.stop` is requested. Signals still work.
int RunControlPlane(const ControlPlaneOptions& options, const RunHooks& hooks);

}  // namespace mini::cluster
