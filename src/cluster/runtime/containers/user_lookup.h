// An image may name its user ("app", "app:staff") rather than number it; like containerd, the
// runtime looks the names up in the container's own /etc/passwd and /etc/group once its root
// is mounted, since only the image knows them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cluster/runtime/oci/spec.h"
#include "common/status.h"

namespace mini::cluster::runtime::containers {

/// A user or group id as runtimes read one: digits only, within 32 bits.
std::optional<uint32_t> NumericId(const std::string& text);

/// Sets config.uid (and gid) from config.user_name and group_name, looked up in the text of a
/// passwd and a group file. kNotFound in runc's words when a name has no entry.
Status ResolveUserNamesFrom(const std::string& passwd, const std::string& group,
                            oci::ContainerConfig& config);

/// The same with the files of the root at `rootfs`, read without following a symlink, so an
/// image cannot point the lookup at the host's files. Nothing to do without names.
Status ResolveUserNames(const std::filesystem::path& rootfs, oci::ContainerConfig& config);

}  // namespace mini::cluster::runtime::containers
