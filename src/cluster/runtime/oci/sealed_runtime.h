// crun guards against a container overwriting its binary through /proc/self/exe
// (CVE-2019-5736) by copying itself into a sealed memfd and executing that copy, on every run:
// a second exec and dynamic link per container start. It skips the copy when its binary is on
// a read-only mount and _LIBCONTAINER_CLONED_BINARY is set, the protection the runtimes
// document for administrators. The node gives crun exactly that: a read-only bind mount of
// the executable in its runtime directory.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::cluster::runtime::oci {

/// The environment variable, set to "1", that tells crun to check for a read-only binary.
inline constexpr char kClonedBinaryEnv[] = "_LIBCONTAINER_CLONED_BINARY";

/// Bind-mounts `runtime` (a name found in PATH, or a path) read-only at `dir`/<its name>, unless
/// that is done already, and returns the mount's path.
Result<std::filesystem::path> SealedRuntime(const std::string& runtime,
                                            const std::filesystem::path& dir);

}  // namespace mini::cluster::runtime::oci
