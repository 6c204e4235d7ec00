// subPath in a volume mount: the mount shows one directory (or file) of the volume, created
// when missing. The path must stay inside the volume, also through symlinks, or a container
// could reach any file of the node.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::cluster::kubelet::volumes {

/// The host path of `sub_path` inside the volume at `volume` (which may itself be a symlink, as
/// hostPath volumes are). kInvalidArgument for an absolute path or one with a ".." element,
/// kPermissionDenied when it resolves outside the volume.
Result<std::filesystem::path> ResolveSubPath(const std::filesystem::path& volume,
                                             const std::string& sub_path);

}  // namespace mini::cluster::kubelet::volumes
