#include "cluster/kubelet/volumes/host_path.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

namespace mini::cluster::kubelet::volumes {
namespace fs = std::filesystem;

namespace {

Status Failed(const fs::path& path, std::string_view what) {
  return Error(Code::kFailedPrecondition, "hostPath type check failed: {} {}", path.string(), what);
}

// Checks that `path` exists and has the file type `want` (an S_IF* value).
Status Expect(const fs::path& path, mode_t want, std::string_view what) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return Failed(path, "does not exist");
  if ((info.st_mode & S_IFMT) != want) return Failed(path, what);
  return Status::Ok();
}

}  // namespace

Status CheckHostPath(const fs::path& path, const std::string& type) {
  struct stat info {};
  const bool exists = stat(path.c_str(), &info) == 0;
  if (type.empty()) return Status::Ok();
  if (type == "DirectoryOrCreate") {
    if (!exists) {
      std::error_code error;
      fs::create_directories(path, error);
      if (error) return Error(Code::kInternal, "creating {}: {}", path.string(), error.message());
      chmod(path.c_str(), 0755);
      return Status::Ok();
    }
    return S_ISDIR(info.st_mode) ? Status::Ok() : Failed(path, "is not a directory");
  }
  if (type == "FileOrCreate") {
    if (!exists) {
      int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) return ErrnoError(Code::kFailedPrecondition, errno, "creating " + path.string());
      close(fd);
      return Status::Ok();
    }
    return S_ISREG(info.st_mode) ? Status::Ok() : Failed(path, "is not a file");
  }
  if (type == "Directory") return Expect(path, S_IFDIR, "is not a directory");
  if (type == "File") return Expect(path, S_IFREG, "is not a file");
  if (type == "Socket") return Expect(path, S_IFSOCK, "is not a socket file");
  if (type == "CharDevice") return Expect(path, S_IFCHR, "is not a character device");
  if (type == "BlockDevice") return Expect(path, S_IFBLK, "is not a block device");
  return Error(Code::kInvalidArgument, "hostPath type {:?} is not supported", type);
}

Status LinkVolume(const fs::path& link, const fs::path& target) {
  std::error_code error;
  if (fs::is_symlink(link, error) && fs::read_symlink(link, error) == target) return Status::Ok();
  fs::remove(link, error);
  fs::create_symlink(target, link, error);
  if (error)
    return Error(Code::kInternal, "linking volume to {}: {}", target.string(), error.message());
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::volumes
