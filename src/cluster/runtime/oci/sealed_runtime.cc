#include "cluster/runtime/oci/sealed_runtime.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/files.h"

namespace mini::cluster::runtime::oci {
namespace fs = std::filesystem;

namespace {

Result<fs::path> FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return fs::path(name);
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status(Code::kNotFound, name + " is not in PATH");
}

bool ReadOnly(const fs::path& path) {
  struct statvfs info {};
  return statvfs(path.c_str(), &info) == 0 && (info.f_flag & ST_RDONLY) != 0;
}

}  // namespace

Result<fs::path> SealedRuntime(const std::string& runtime, const fs::path& dir) {
  MINI_ASSIGN_OR_RETURN(fs::path source, FindInPath(runtime));
  std::error_code error;
  source = fs::canonical(source, error);
  if (error) return Status(Code::kNotFound, "resolving " + runtime + ": " + error.message());
  const fs::path target = dir / source.filename();
  if (ReadOnly(target)) return target;
  MINI_RETURN_IF_ERROR(MakeDirs(dir));
  int fd = open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
  if (fd < 0) return Status(Code::kInternal, "creating " + target.string() + ": " + std::strerror(errno));
  close(fd);
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
      mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
    Status failed(Code::kInternal,
                  "mounting " + source.string() + " read-only at " + target.string() + ": " +
                      std::strerror(errno));
    umount2(target.c_str(), MNT_DETACH);
    return failed;
  }
  return target;
}

}  // namespace mini::cluster::runtime::oci
