#include "cluster/runtime/oci/cgroups.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include <sstream>
#include <system_error>

#include "common/files.h"

namespace mini::cluster::runtime::oci {
namespace fs = std::filesystem;

Result<CgroupMode> PrepareCgroups(const fs::path& root) {
  struct statfs info {};
  if (statfs(root.c_str(), &info) != 0) {
    return Status(Code::kFailedPrecondition, fmt::format("{} is not mounted", root.string()));
  }
  if (info.f_type == CGROUP2_SUPER_MAGIC) return CgroupMode::kUnified;
  const fs::path unified = root / "unified";
  auto controllers = ReadFile(unified / "cgroup.controllers");
  if (!controllers.ok()) return CgroupMode::kLegacy;  // no v2 tree at all
  std::istringstream names(*controllers);
  for (std::string name; names >> name;) {
    const fs::path mount_point = root / name;
    std::error_code error;
    fs::create_directories(mount_point, error);
    if (mount("cgroup", mount_point.c_str(), "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              name.c_str()) != 0 &&
        errno != EBUSY) {
      return Status(Code::kFailedPrecondition,
                    fmt::format("cannot give the {} cgroup controller a v1 hierarchy at {}: {}",
                                name, mount_point.string(), std::generic_category().message(errno)))
          .WithAdvice("run the node on a host with cgroup v2, or as root");
    }
  }
  return CgroupMode::kLegacy;
}

namespace {

// Control files take one write in place (no temporary file and rename, as for real files).
void WriteControl(const fs::path& file, const std::string& value) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, value.data(), value.size());
  ::close(fd);
}

}  // namespace

void ReclaimContainerMemory(const std::string& id, const std::filesystem::path& root) {
  if (id.empty() || id.find('/') != std::string::npos) return;
  std::error_code error;
  // cgroup v1 (a legacy or hybrid host): any write to memory.force_empty reclaims everything.
  const std::filesystem::path v1 = root / "memory" / id / "memory.force_empty";
  if (std::filesystem::exists(v1, error)) {
    WriteControl(v1, "0");
    return;
  }
  // cgroup v2: memory.reclaim takes how many bytes to reclaim; ask for all that is charged.
  const std::filesystem::path v2 = root / id;
  auto current = ReadFile(v2 / "memory.current");
  if (current.ok() && std::filesystem::exists(v2 / "memory.reclaim", error)) {
    WriteControl(v2 / "memory.reclaim", *current);
  }
}

}  // namespace mini::cluster::runtime::oci
