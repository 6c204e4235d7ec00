// Pieces the lifecycle operations share: the driver and spec for a profile, certificates,
// kubeconfig entries and the API server probe.
#pragma once

#include <chrono>
#include <string>

#include "common/files.h"
#include "kubeconfig/kubeconfig.h"
#include "net/https_client.h"
#include "vm/lifecycle/lifecycle.h"

namespace mini::vm {

struct Machine {
  const DriverDef* def = nullptr;
  DriverPtr driver;
  MachineSpec spec;
};

/// Excludes other mini processes from the profile while the lock lives.
Result<FileLock> LockProfile(const Context& ctx, const std::string& profile);

/// The driver named in `config` and the spec it works on. With `check_host`, a driver that
/// cannot run here is refused with its reason; stop, delete and status skip the check so they
/// work wherever the driver could not start a machine now (e.g. without root).
Result<Machine> OpenMachine(const Context& ctx, const ClusterConfig& config, bool check_host);

/// Commands that reach into the machine need it running: kFailedPrecondition otherwise.
Status RequireRunning(const std::string& profile, MachineState state);

/// The CA, the serving certificate (for `node_ip` and the cluster's names) and the admin
/// client certificate of a profile, created or renewed as needed.
Status EnsureCertificates(const Context& ctx, const ClusterConfig& config,
                          const std::string& node_ip);

/// What the profile's kubeconfig entries must say to reach `endpoint`.
kubeconfig::Entry KubeconfigEntry(const Context& ctx, const std::string& profile,
                                  const Endpoint& endpoint);

/// TLS settings for talking to the profile's API server as its admin.
net::TlsClientConfig AdminTls(const Context& ctx, const std::string& profile,
                              const Endpoint& endpoint);

/// Waits until /readyz answers 200, failing early (with the end of the console log) when the
/// machine stops running, and with kDeadlineExceeded after `timeout`.
Status WaitForApiServer(Machine& machine, const net::TlsClientConfig& tls, const Endpoint& endpoint,
                        std::chrono::milliseconds timeout);

/// "Running" when the node the kubelet registered is Ready, else "Stopped" (or "Error").
std::string KubeletState(const net::TlsClientConfig& tls, const Endpoint& endpoint,
                         const std::string& node);

/// The last `lines` lines of a log file, for error messages.
std::string LogTail(const std::filesystem::path& log, int lines);

}  // namespace mini::vm
