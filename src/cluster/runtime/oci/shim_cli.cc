#include "cluster/runtime/oci/shim_cli.h"

#include <CLI/CLI.hpp>

namespace mini::cluster::runtime::oci {

void AddShimOptions(CLI::App& app, ShimOptions& o) {
  app.add_option("--crun", o.crun, "The OCI runtime")->capture_default_str();
  app.add_option("--crun-root", o.crun_root, "The runtime's state directory")->required();
  app.add_option("--id", o.id, "Container id")->required();
  app.add_option("--bundle", o.bundle, "OCI bundle directory")->required();
  app.add_option("--log", o.log_path, "CRI log file")->required();
  app.add_option("--log-max-bytes", o.log_max_bytes, "Rotate the log past this size");
  app.add_option("--exit-file", o.exit_file, "Where the exit status is written")->required();
  app.add_option("--start-file", o.start_file, "Where the start result is written")->required();
}

}  // namespace mini::cluster::runtime::oci
