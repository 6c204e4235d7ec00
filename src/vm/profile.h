// A profile is one named cluster: its configuration, saved as profiles/<name>/config.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/home.h"

namespace mini::vm {

inline constexpr char kDefaultProfile[] = "mini";
inline constexpr char kKubernetesVersion[] = "v1.32.4";

struct ClusterConfig {
  std::string name;
  std::string driver;
  int cpus = 2;
  int64_t memory_mb = 4096;
  int64_t disk_size_mb = 20000;
  uint16_t apiserver_port = 8443;
  std::string kubernetes_version = kKubernetesVersion;
  std::string node_ip;  // known once the machine has started
  /// Datastore URL for the control plane (empty: the embedded store) and its TLS files.
  std::string datastore;
  std::string datastore_ca_file, datastore_cert_file, datastore_key_file;
  /// Docker Hub mirrors the node pulls through ("https://mirror.example:5000"), in order.
  std::vector<std::string> registry_mirrors;
  /// Registries ("host" or "host:port") pulled from without TLS verification, or over HTTP.
  std::vector<std::string> insecure_registries;
  /// Guest ports the host reaches on 127.0.0.1 ("HOST:GUEST", or "PORT" for both), VM drivers.
  std::vector<std::string> ports;
  /// Host directories shared into the machine ("HOST_DIR:GUEST_DIR"), VM drivers.
  std::vector<std::string> mounts;
  /// The libvirt daemon of the kvm2 driver (--kvm-qemu-uri); empty: qemu:///system.
  std::string kvm_qemu_uri;
  /// The qemu driver's network (--network): "user" (QEMU's own, the default) or "bridge".
  std::string network;
  /// The libvirt network of a kvm2 machine (--kvm-network); empty: mini-<profile>, its own.
  std::string kvm_network;
};

/// kInvalidArgument unless `name` can name a directory and a kubeconfig entry:
/// letters, digits, '-', '_' and '.', starting with a letter or digit, at most 63 characters.
Status ValidateProfileName(const std::string& name);

/// kNotFound (with the "mini profile list" advice) when the profile does not exist;
/// kInvalidArgument when its config.json is damaged, naming the file and how to recover.
Result<ClusterConfig> LoadProfile(const Home& home, const std::string& name);
Status SaveProfile(const Home& home, const ClusterConfig& config);
bool ProfileExists(const Home& home, const std::string& name);
/// Names of the directories under profiles/, sorted.
std::vector<std::string> ListProfiles(const Home& home);

}  // namespace mini::vm
