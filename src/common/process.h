// The process seam: starting a detached, supervised child and watching it by identity.
//
// A pid alone is not an identity: after a crash the number can be reused by an unrelated
// process. ProcessId pairs it with the kernel's start time, so a stale pid file never makes a
// dead control plane look alive. Implementations are thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time = 0;  // clock ticks since boot, field 22 of /proc/<pid>/stat
};

struct SpawnOptions {
  std::vector<std::string> argv;   // argv[0] is the executable path
  std::filesystem::path log_file;  // stdout and stderr are appended here; stdin is /dev/null
};

/// What became of a process started by Spawn while its starter still watches it.
struct ChildState {
  bool running = false;
  int exit_code = 0;  // valid when !running; 128+N when killed by signal N
};

class Processes {
 public:
  virtual ~Processes() = default;

  /// Starts a process in its own session (no controlling terminal, so it outlives the shell
  /// and ignores its job control), in "/" (so it pins no directory of the caller's), with no
  /// descriptors of this process but the log.
  virtual Result<ProcessId> Spawn(const SpawnOptions& options) = 0;
  /// For a process started by this object: reaps it if it has exited.
  virtual ChildState Poll(const ProcessId& id) = 0;
  /// True when the same process still runs (zombies count as exited).
  virtual bool Alive(const ProcessId& id) = 0;
  /// Sends `signal`; kNotFound when the process is gone.
  virtual Status Signal(const ProcessId& id, int signal) = 0;
  /// Reads the identity of a live pid (for a pid just written to a file by its owner).
  virtual Result<ProcessId> Identify(pid_t pid) = 0;
  /// The arguments a live process was started with (/proc/<pid>/cmdline); kNotFound when it is
  /// gone or has none (a zombie). With its identity, it tells a process of ours from one that
  /// reused its pid.
  virtual Result<std::vector<std::string>> CommandLine(pid_t pid) = 0;
};
using ProcessesPtr = std::unique_ptr<Processes>;

/// The real implementation, over Boost.Process and /proc.
ProcessesPtr NewSystemProcesses();

/// Sends SIGTERM, waits up to `grace` for the process to exit, then SIGKILL and waits again.
/// Returns true if SIGKILL was needed.
Result<bool> TerminateProcess(Processes& processes, const ProcessId& id,
                              std::chrono::milliseconds grace);

/// The absolute path of the running executable (/proc/self/exe).
Result<std::filesystem::path> SelfExecutable();

}  // namespace mini
