// hostPath volumes: the path's type is checked (or the directory or file created) as the
// kubelet does before the pod starts, with its words when the check fails.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::cluster::kubelet::volumes {

/// Checks `path` against `type` ("" skips the check; DirectoryOrCreate, Directory,
/// FileOrCreate, File, Socket, CharDevice, BlockDevice). kFailedPrecondition when it fails,
/// kInvalidArgument for an unknown type.
Status CheckHostPath(const std::filesystem::path& path, const std::string& type);

/// Makes `link` (a volume's place in the pod directory) name `target`.
Status LinkVolume(const std::filesystem::path& link, const std::filesystem::path& target);

}  // namespace mini::cluster::kubelet::volumes
