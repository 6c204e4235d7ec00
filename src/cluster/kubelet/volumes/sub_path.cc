#include "cluster/kubelet/volumes/sub_path.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <system_error>

namespace mini::cluster::kubelet::volumes {
namespace fs = std::filesystem;

namespace {

bool Within(const fs::path& path, const fs::path& root) {
  auto [end, ignored] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return end == root.end();
}

}  // namespace

Result<fs::path> ResolveSubPath(const fs::path& volume, const std::string& sub_path) {
  const fs::path relative(sub_path);
  if (relative.is_absolute()) {
    return Error(Code::kInvalidArgument, "subPath {:?} must be a relative path", sub_path);
  }
  for (const fs::path& part : relative) {
    if (part == "..") {
      return Error(Code::kInvalidArgument, "subPath {:?} must not contain '..'", sub_path);
    }
  }
  std::error_code error;
  const fs::path root = fs::canonical(volume, error);
  if (error) return Error(Code::kNotFound, "volume directory: {}", error.message());
  // Each element is resolved before the next is created, so no link can lead the creation out.
  fs::path current = root;
  for (const fs::path& part : relative) {
    if (part.empty() || part == ".") continue;
    fs::path next = current / part;
    if (!fs::exists(fs::symlink_status(next, error))) {
      fs::create_directory(next, error);
      if (error)
        return Error(Code::kInternal, "creating subPath {:?}: {}", sub_path, error.message());
      chmod(next.c_str(), 0777);
    }
    current = fs::canonical(next, error);
    if (error) return Error(Code::kNotFound, "subPath {:?}: {}", sub_path, error.message());
    if (!Within(current, root)) {
      return Error(Code::kPermissionDenied, "subPath {:?} leads outside its volume {:?}", sub_path,
                   root.string());
    }
  }
  return current;
}

}  // namespace mini::cluster::kubelet::volumes
