// Removes everything a node ran from the host: containers (and, with them, their shims),
// their overlay roots, the pods' memory-backed volumes, network namespaces and hostPort
// forwards. For the native driver, where the node is the host itself: deleting the machine must leave the host as it was, even when the
// control plane was killed before it could stop its pods.
#pragma once

#include <filesystem>

#include "common/status.h"

namespace mini::cluster::kubelet {

/// Cleans up after the node whose data directory is `data_dir`. Idempotent; what is already
/// gone is not an error.
Status CleanupNode(const std::filesystem::path& data_dir);

}  // namespace mini::cluster::kubelet
