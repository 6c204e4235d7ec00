#include "cluster/runtime/image/lease.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/files.h"
#include "common/poll_backoff.h"

namespace mini::cluster::runtime::image {

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Lease::~Lease() {
  if (fd_ >= 0) {
    ::close(fd_);  // releases the flock
  }
}

Result<Lease> Lease::Acquire(const std::filesystem::path& file, int operation,
                             std::chrono::milliseconds timeout) {
  MINI_RETURN_IF_ERROR(MakeDirs(file.parent_path()));
  // Each lease opens the file itself: flock conflicts between open files, so two leases of
  // one process exclude each other just as two processes do.
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("opening {}", file.string()));
  }
  Lease lease(fd);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  PollBackoff backoff;
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("locking {}", file.string()));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error(Code::kDeadlineExceeded,
                   "the image store is busy: {} stays locked by another operation", file.string());
    }
    backoff.Sleep();
  }
  return lease;
}

Result<Lease> Lease::Shared(const std::filesystem::path& file, std::chrono::milliseconds timeout) {
  return Acquire(file, LOCK_SH, timeout);
}

Result<Lease> Lease::Exclusive(const std::filesystem::path& file,
                               std::chrono::milliseconds timeout) {
  return Acquire(file, LOCK_EX, timeout);
}

Result<std::optional<Lease>> Lease::TryExclusive(const std::filesystem::path& file) {
  auto lease = Acquire(file, LOCK_EX, std::chrono::milliseconds(0));
  if (!lease.ok()) {
    if (lease.status().code() == Code::kDeadlineExceeded) {
      return std::optional<Lease>();
    }
    return lease.status();
  }
  return std::optional<Lease>(std::move(*lease));
}

}  // namespace mini::cluster::runtime::image
