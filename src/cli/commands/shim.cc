#include "cluster/runtime/oci/shim.h"

#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpShim(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<cluster::runtime::oci::ShimOptions>();
  auto* cmd = app.add_subcommand("shim", "Run one container and keep its log (started by the node)");
  cmd->group("");  // internal: the node agent runs it, users do not
  cmd->add_option("--crun", o->crun, "The OCI runtime")->capture_default_str();
  cmd->add_option("--crun-root", o->crun_root, "The runtime's state directory")->required();
  cmd->add_option("--id", o->id, "Container id")->required();
  cmd->add_option("--bundle", o->bundle, "OCI bundle directory")->required();
  cmd->add_option("--log", o->log_path, "CRI log file")->required();
  cmd->add_option("--log-max-bytes", o->log_max_bytes, "Rotate the log past this size");
  cmd->add_option("--exit-file", o->exit_file, "Where the exit status is written")->required();
  cmd->add_option("--start-file", o->start_file, "Where the start result is written")->required();
  cmd->callback([o, &globals] { globals.exit_code = cluster::runtime::oci::RunShim(*o); });
}

}  // namespace mini::cli
