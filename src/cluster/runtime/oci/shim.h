// The per-container shim (`mini shim`, conmon's role): it creates and starts the container
// with crun, becomes the parent of the container's init (child subreaper), copies the
// container's stdout and stderr into a CRI-format log file with size rotation, and when the
// container ends records how in an exit file. Being its own process, it keeps containers and
// their logs going while the node agent restarts, and the agent adopts them afterwards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::cluster::runtime::oci {

struct ShimOptions {
  std::string crun = "crun";
  std::filesystem::path crun_root;  // crun's state directory (--root)
  std::string id;
  std::filesystem::path bundle;
  std::filesystem::path log_path;
  int64_t log_max_bytes = 10 << 20;  // rotate past this size (the kubelet's default)
  int log_max_files = 5;             // the live file plus rotated ones
  /// Written once the container has ended: {"exitCode", "signal", "startedAt", "finishedAt"}.
  std::filesystem::path exit_file;
  /// Written (with the init pid) once the container runs, or with "error" when it could not start.
  std::filesystem::path start_file;
};

/// Runs the container to its end. Returns the process exit code for `mini shim`: 0 when the
/// container ran (whatever its own exit code), 1 when it could not be created or started.
int RunShim(const ShimOptions& options);

/// One CRI log line: "<RFC 3339 nanoseconds> <stdout|stderr> <F|P> <text>\n".
std::string CriLogLine(std::string_view timestamp, std::string_view stream, bool partial,
                       std::string_view text);

}  // namespace mini::cluster::runtime::oci
