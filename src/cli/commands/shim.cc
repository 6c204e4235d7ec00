#include "cluster/runtime/oci/shim_cli.h"

#include "cli/commands/commands.h"

namespace mini::cli {

void SetUpShim(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<cluster::runtime::oci::ShimOptions>();
  auto* cmd = app.add_subcommand("shim", "Run one container and keep its log (started by the node)");
  cmd->group("");  // internal: the node agent runs it, users do not
  cluster::runtime::oci::AddShimOptions(*cmd, *o);
  cmd->callback([o, &globals] { globals.exit_code = cluster::runtime::oci::RunShim(*o); });
}

}  // namespace mini::cli
