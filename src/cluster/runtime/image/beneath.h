// Walking a tree by descriptors without ever following a symlink, so the names in a hostile
// layer cannot make the unpacker create, replace or remove anything outside its directory.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/fd.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

/// The components of a tar entry name, without "" and "." (so "./" is the root itself).
/// kInvalidArgument for an absolute name or a ".." component.
Result<std::vector<std::string>> SplitEntryPath(std::string_view path);

/// Opens the directory made of the first `count` components beneath `root`, never following a
/// symlink; with `create`, missing directories are made (0755). kInvalidArgument when a
/// component is a symlink or not a directory, kNotFound when one is missing.
Result<Fd> OpenBeneath(int root, const std::vector<std::string>& parts, size_t count, bool create);

/// Removes `name` from the directory `dir`, a whole tree if it is a directory; a missing
/// name is not an error. Never follows a symlink.
Status RemoveAt(int dir, const std::string& name);

}  // namespace mini::cluster::runtime::image
