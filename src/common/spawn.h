// Starting a program without copying this process first. fork() duplicates the page tables
// of the whole control plane (and every page its threads then write is copied again) for a
// child that only execs: with several programs per pod start, that was most of the node's
// CPU. posix_spawn shares the memory with the child until it execs.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  int output_fd = -1;             // stdout and stderr; -1: /dev/null. stdin is always /dev/null
  bool new_session = false;       // detached from our terminal and process group
  std::filesystem::path cwd;      // empty: ours
};

/// Starts the program; the child holds no descriptor of ours above stderr, and starts with
/// default signal handling and an empty signal mask. kNotFound "<program>: command not found"
/// when there is no such program; other codes when it cannot be started.
Result<pid_t> SpawnProcess(const SpawnSpec& spec);

/// The exit code of a wait status: the code, or 128+N when killed by signal N.
int ExitCode(int wait_status);

}  // namespace mini
