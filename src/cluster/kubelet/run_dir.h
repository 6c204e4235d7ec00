// The node's memory-backed state: <data>/run, a tmpfs as /run is on a real host. It holds what
// a reboot makes moot (container bundles and start/exit records, crun's state, the pod
// network's claims, the pods' own directories except their emptyDir volumes), so a pod start
// creates its dozens of small files in memory rather than on the data disk, where each new
// inode costs far more. What containers write stays on disk.
#pragma once

#include <filesystem>

#include "common/status.h"

namespace mini::cluster::kubelet {

std::filesystem::path RunDir(const std::filesystem::path& data_dir);
/// Where the node's image store records which containers use which image
/// (runtime::image::ImageStoreOptions::users_dir); `mini image rm` reads them too.
std::filesystem::path ImageUsersDir(const std::filesystem::path& data_dir);

/// Mounts the tmpfs unless it is mounted already: an agent that restarts finds its running
/// containers' state where it left it.
Status MountRunDir(const std::filesystem::path& data_dir);

/// Unmounts it (detached: a file still open does not keep it); for a node being deleted.
void UnmountRunDir(const std::filesystem::path& data_dir);

}  // namespace mini::cluster::kubelet
