#include "cluster/kubelet/volumes/empty_dir.h"

#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <system_error>

#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"
#include "common/files.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A mount point sits on another device than its parent directory.
bool IsMountPoint(const fs::path& path) {
  struct stat self {
  }, parent{};
  if (lstat(path.c_str(), &self) != 0 || !S_ISDIR(self.st_mode)) return false;
  if (stat(path.parent_path().c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

}  // namespace

Status SetUpEmptyDir(const json::object& source, const fs::path& dir) {
  MINI_RETURN_IF_ERROR(MakeDirs(dir, 0777));
  chmod(dir.c_str(), 0777);  // any user of the pod's containers writes there
  if (registry::StringAt(source, "medium") != "Memory" || IsMountPoint(dir)) return Status::Ok();
  std::string options = "mode=0777";
  if (const json::value* limit = source.if_contains("sizeLimit")) {
    auto quantity = registry::core::QuantityOf(*limit);
    if (!quantity || quantity->nanos <= 0) {
      return Status(Code::kInvalidArgument, "emptyDir sizeLimit is not a positive quantity");
    }
    constexpr registry::core::QuantityInt kNano = 1'000'000'000;
    options += fmt::format(",size={}", static_cast<int64_t>((quantity->nanos + kNano - 1) / kNano));
  }
  if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    return ErrnoError(Code::kInternal, errno, "mounting a tmpfs for emptyDir medium Memory");
  }
  return Status::Ok();
}

Status UnmountVolumes(const fs::path& pod_dir) {
  std::error_code error;
  Status result = Status::Ok();
  for (const auto& entry : fs::directory_iterator(pod_dir / "volumes", error)) {
    if (!IsMountPoint(entry.path())) continue;
    // Detached, so a container still holding a file open does not keep the pod's directory.
    if (umount2(entry.path().c_str(), MNT_DETACH) != 0) {
      result = ErrnoError(Code::kInternal, errno, "unmounting " + entry.path().string());
    }
  }
  return result;
}

}  // namespace mini::cluster::kubelet::volumes
