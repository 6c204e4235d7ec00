// Waiting for another process to write a file into a directory (a container's shim reporting
// that the container runs), woken by the kernel through inotify the moment a file there is
// written or renamed into place. Polling with growing pauses overshot such a wait by ~15% on
// average, and eight pod workers blocked on container starts made that the pods' start rate.
#pragma once

#include <chrono>
#include <filesystem>

#include "common/poll_backoff.h"

namespace mini {

class DirWatch {
 public:
  /// Watches `dir`, which must exist; without inotify (no watches left) it polls instead.
  /// Even with inotify it looks again after `longest_sleep`: a directory replaced under the
  /// watch then costs at most that.
  explicit DirWatch(const std::filesystem::path& dir,
                    std::chrono::milliseconds longest_sleep = std::chrono::milliseconds(100));
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  /// Returns when a file in the directory was written or renamed into it since the previous
  /// call (or the watch began), or at `until`. It can return early without a change: callers
  /// look at what they wait for again, as with a condition variable.
  void Wait(std::chrono::steady_clock::time_point until);

 private:
  int fd_ = -1;
  std::chrono::milliseconds longest_sleep_;
  PollBackoff fallback_;
};

}  // namespace mini
