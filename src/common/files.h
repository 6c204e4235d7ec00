// Durable file helpers: whole-file reads, atomic replacement and advisory locks.
//
// Every state file mini owns (profile configs, certificates, kubeconfig, pid files) is written
// with AtomicWriteFile so a crash or a full disk leaves either the old content or the new one,
// never a truncated file. Cross-process mutual exclusion uses flock(2) on a side file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini {

/// Reads a whole file. kNotFound when it does not exist.
Result<std::string> ReadFile(const std::filesystem::path& path);

/// Whether a write must survive a power loss (kDurable), or only a crash of the process: state
/// that a reboot makes moot anyway, such as a running container's files, need not wait for the
/// disk (each sync costs milliseconds, and a pod start writes a dozen such files).
enum class Durability { kDurable, kVolatile };

/// Replaces `path` with `content`: writes a temporary file beside it, fsyncs it, renames it over
/// the target and fsyncs the directory (the syncs only when kDurable). On failure the old file
/// is untouched and the temporary one removed. The new file gets `mode`; parent directories are
/// created (0700) if missing.
Status AtomicWriteFile(const std::filesystem::path& path, std::string_view content,
                       mode_t mode = 0644, Durability durability = Durability::kDurable);

/// Creates a directory and its parents with `mode` if they do not exist.
Status MakeDirs(const std::filesystem::path& dir, mode_t mode = 0700);

/// Removes a file or a tree; a missing path is not an error.
Status RemoveAll(const std::filesystem::path& path);

/// An exclusive advisory lock held on `<path>` for the lifetime of the object.
class FileLock {
 public:
  /// Waits up to `timeout` for the lock. kDeadlineExceeded if another process still holds it.
  static Result<FileLock> Acquire(const std::filesystem::path& path,
                                  std::chrono::milliseconds timeout);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mini
