#include "cluster/kubelet/run_dir.h"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>

#include "common/files.h"

namespace mini::cluster::kubelet {
namespace fs = std::filesystem;

fs::path RunDir(const fs::path& data_dir) { return data_dir / "run"; }

fs::path ImageUsersDir(const fs::path& data_dir) { return RunDir(data_dir) / "image-users"; }

Status MountRunDir(const fs::path& data_dir) {
  const fs::path run = RunDir(data_dir);
  MINI_RETURN_IF_ERROR(MakeDirs(run));
  struct statfs fs_info {};
  if (statfs(run.c_str(), &fs_info) == 0 && fs_info.f_type == TMPFS_MAGIC) return Status::Ok();
  if (mount("tmpfs", run.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
    return Status(Code::kFailedPrecondition,
                  "mounting a tmpfs at " + run.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

void UnmountRunDir(const fs::path& data_dir) {
  const fs::path run = RunDir(data_dir);
  struct statfs fs_info {};
  while (statfs(run.c_str(), &fs_info) == 0 && fs_info.f_type == TMPFS_MAGIC) {
    if (umount2(run.c_str(), MNT_DETACH) != 0) break;
  }
}

}  // namespace mini::cluster::kubelet
