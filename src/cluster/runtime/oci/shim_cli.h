// The shim's command line, shared by `mini shim` and the small `mini-shim` executable the node
// starts for each container (an executable with few libraries starts in a fraction of the time
// the whole `mini` takes, once per container start).
#pragma once

#include "cluster/runtime/oci/shim.h"

namespace CLI {
class App;
}

namespace mini::cluster::runtime::oci {

/// Adds the shim's options to `app`, filling `options` when it parses.
void AddShimOptions(CLI::App& app, ShimOptions& options);

}  // namespace mini::cluster::runtime::oci
