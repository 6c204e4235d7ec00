// mini-shim: the per-container shim as its own small executable (see shim_cli.h).
#include <CLI/CLI.hpp>

#include "cluster/runtime/oci/shim_cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Runs one container for the node agent and keeps its log"};
  mini::cluster::runtime::oci::ShimOptions options;
  mini::cluster::runtime::oci::AddShimOptions(app, options);
  CLI11_PARSE(app, argc, argv);
  return mini::cluster::runtime::oci::RunShim(options);
}
