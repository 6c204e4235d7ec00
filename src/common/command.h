// Running a short command to completion and reading what it printed: the seam to the system
// tools the node uses (ip, nft, crun). Not for long-running children: see process.h.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini {

struct CommandOutput {
  int exit_code = 0;   // 128+N when killed by signal N
  std::string output;  // stdout and stderr, interleaved as written
};

/// Runs argv[0] (a path, or a name looked up in PATH) with stdin from /dev/null and waits,
/// killing it after `timeout`. kNotFound when the program does not exist, kDeadlineExceeded
/// on timeout; any exit code is a result.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// RunCommand that also wants exit code 0: otherwise kInternal "<argv>: <output>".
Result<std::string> RunChecked(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace mini
