#include "cluster/runtime/image/overlay.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "common/files.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
namespace {

Status Usable(const fs::path& path) {
  if (path.empty()) {
    return Error(Code::kInvalidArgument, "an overlay path is empty");
  }
  if (path.string().find_first_of(",:\\") != std::string::npos) {
    return Error(Code::kInvalidArgument,
                 "overlay path {} holds ',', ':' or '\\', which mount options reserve",
                 path.string());
  }
  return Status::Ok();
}

class SystemMounter : public Mounter {
 public:
  Status Mount(const OverlayMount& mount) override {
    MINI_ASSIGN_OR_RETURN(std::string options, OverlayOptions(mount));
    for (const auto& dir : {mount.upper, mount.work, mount.target}) {
      if (!dir.empty()) MINI_RETURN_IF_ERROR(MakeDirs(dir, 0755));
    }
    unsigned long flags = mount.upper.empty() ? MS_RDONLY : 0;
    if (::mount("overlay", mount.target.c_str(), "overlay", flags, options.c_str()) != 0) {
      return ErrnoError(CodeFromErrno(errno), errno,
                        fmt::format("mounting an overlay at {}", mount.target.string()));
    }
    return Status::Ok();
  }

  Status Unmount(const fs::path& target) override {
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("unmounting {}", target.string()));
    }
    return Status::Ok();
  }
};

}  // namespace

Result<std::string> OverlayOptions(const OverlayMount& mount) {
  if (mount.lower.empty()) {
    return Error(Code::kInvalidArgument, "an overlay needs at least one lower layer");
  }
  std::string lower;
  for (const auto& dir : mount.lower) {
    MINI_RETURN_IF_ERROR(Usable(dir));
    lower += (lower.empty() ? "" : ":") + dir.string();
  }
  std::string options = "lowerdir=" + lower;
  if (mount.upper.empty() && mount.work.empty()) {
    if (mount.lower.size() < 2) {
      return Error(Code::kInvalidArgument, "a read-only overlay needs at least two lower layers");
    }
  } else {
    MINI_RETURN_IF_ERROR(Usable(mount.upper));
    MINI_RETURN_IF_ERROR(Usable(mount.work));
    options += ",upperdir=" + mount.upper.string() + ",workdir=" + mount.work.string();
  }
  long page = ::sysconf(_SC_PAGESIZE);
  if (static_cast<long>(options.size()) >= page) {
    return Error(Code::kResourceExhausted,
                 "the overlay options for {} layers take {} bytes; the kernel takes {}",
                 mount.lower.size(), options.size(), page - 1);
  }
  return options;
}

MounterPtr NewSystemMounter() { return std::make_unique<SystemMounter>(); }

}  // namespace mini::cluster::runtime::image
