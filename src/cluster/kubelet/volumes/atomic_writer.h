// The files of a volume projected from API objects (ConfigMaps, Secrets, the downward API,
// tokens), written so a container never sees half an update: the files live in a timestamped
// directory "..<time>", a "..data" symlink names the current one and is replaced by rename, and
// each visible entry is a symlink "<name> -> ..data/<name>". Programs that watch the "..data"
// link (as Kubernetes clients do) see one change per update.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>

#include "common/status.h"

namespace mini::cluster::kubelet::volumes {

struct FileProjection {
  std::string content;
  mode_t mode = 0644;

  bool operator==(const FileProjection&) const = default;
};

/// Files by their path relative to the volume ("key" or "dir/key").
using Projection = std::map<std::string, FileProjection>;

/// Makes `dir` hold exactly `files`. Nothing is written when the current files already match;
/// true when a new version was published. kInvalidArgument for a path that is absolute, empty
/// or has a ".." element, or a first element starting with "..", which the layout reserves.
Result<bool> WriteAtomically(const std::filesystem::path& dir, const Projection& files);

}  // namespace mini::cluster::kubelet::volumes
