#include "common/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/poll_backoff.h"

namespace mini {
namespace fs = std::filesystem;

namespace {
// Closes a descriptor on every path out of a function.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("writing {}", path.string()));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void SyncDirectory(const fs::path& dir) {
  Fd d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) {
    ::fsync(d.fd);
  }
}
}  // namespace

Result<std::string> ReadFile(const fs::path& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("reading {}", path.string()));
  }
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("reading {}", path.string()));
    }
    if (n == 0) {
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Status MakeDirs(const fs::path& dir, mode_t mode) {
  if (dir.empty()) {
    return Status::Ok();
  }
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    return Status::Ok();
  }
  MINI_RETURN_IF_ERROR(MakeDirs(dir.parent_path(), mode));
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return ErrnoError(CodeFromErrno(errno), errno,
                      fmt::format("creating directory {}", dir.string()));
  }
  return Status::Ok();
}

Status AtomicWriteFile(const fs::path& path, std::string_view content, mode_t mode,
                       Durability durability) {
  const bool sync = durability == Durability::kDurable;
  MINI_RETURN_IF_ERROR(MakeDirs(path.parent_path()));
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  Status status;
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)};
    if (f.fd < 0) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("writing {}", path.string()));
    }
    // The umask must not widen or narrow what the caller asked for (keys stay 0600).
    ::fchmod(f.fd, mode);
    status = WriteAll(f.fd, content, path);
    if (status.ok() && sync && ::fsync(f.fd) != 0) {
      status = ErrnoError(CodeFromErrno(errno), errno, fmt::format("syncing {}", path.string()));
    }
  }
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoError(CodeFromErrno(errno), errno, fmt::format("replacing {}", path.string()));
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  if (sync) SyncDirectory(path.parent_path());
  return Status::Ok();
}

Status RemoveAll(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) {
    return Error(CodeFromErrno(ec.value()), "removing {}: {}", path.string(), ec.message());
  }
  return Status::Ok();
}

Result<FileLock> FileLock::Acquire(const fs::path& path, std::chrono::milliseconds timeout) {
  MINI_RETURN_IF_ERROR(MakeDirs(path.parent_path()));
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("opening lock {}", path.string()));
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  PollBackoff backoff;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return ErrnoError(CodeFromErrno(err), err, fmt::format("locking {}", path.string()));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return Error(Code::kDeadlineExceeded, "another mini process holds the lock {}",
                   path.string());
    }
    backoff.Sleep();
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // closing the last descriptor releases the flock
  }
}

}  // namespace mini
