#include "cluster/allinone/control_plane.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/commands/commands.h"
#include "cluster/runtime/oci/sealed_runtime.h"

namespace mini::cli {

void SetUpControlPlane(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<cluster::ControlPlaneOptions>();
  auto* cmd =
      app.add_subcommand("control-plane", "Run the all-in-one control plane (started by drivers)");
  cmd->group("");  // internal: drivers run it, users do not
  cmd->add_option("--data-dir", o->data_dir, "Durable state directory")->required();
  cmd->add_option("--bind-address", o->bind_address, "Address to serve on")->capture_default_str();
  cmd->add_option("--secure-port", o->secure_port, "HTTPS port")->capture_default_str();
  cmd->add_option("--tls-cert-file", o->tls_cert_file, "Serving certificate")->required();
  cmd->add_option("--tls-private-key-file", o->tls_private_key_file, "Serving key")->required();
  cmd->add_option("--client-ca-file", o->client_ca_file, "CA of client certificates")->required();
  cmd->add_option("--node-name", o->node_name, "The node's name (default: the host name)");
  cmd->add_option("--service-account-key-file", o->service_account_key_file,
                  "Key that signs service-account tokens, created if missing "
                  "(default: <data-dir>/sa.key)");
  cmd->add_option("--datastore", o->datastore, "Datastore URL (default: embedded in --data-dir)");
  cmd->add_option("--datastore-cafile", o->datastore_ca_file, "CA of the etcd datastore");
  cmd->add_option("--datastore-certfile", o->datastore_cert_file, "Client certificate for etcd");
  cmd->add_option("--datastore-keyfile", o->datastore_key_file, "Client key for etcd");
  cmd->add_option("--registry-mirror", o->registry_mirrors,
                  "Docker Hub mirror URL the kubelet tries first (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--insecure-registry", o->insecure_registries,
                  "Registry host[:port] pulled from without TLS verification (repeatable)")
      ->allow_extra_args(false);
  cmd->callback([o, &globals] {
    // Its output is the profile's log, so it says what it does without being asked to.
    if (globals.verbosity == 0) {
      spdlog::set_level(spdlog::level::info);
    }
    // Before any thread starts: the node's crun runs inherit it (sealed_runtime.h).
    setenv(cluster::runtime::oci::kClonedBinaryEnv, "1", 1);
    globals.exit_code = cluster::RunControlPlane(*o);
  });
}

}  // namespace mini::cli
