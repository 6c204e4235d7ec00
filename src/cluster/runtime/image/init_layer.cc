#include "cluster/runtime/image/init_layer.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "cluster/runtime/image/layer_store.h"
#include "common/files.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxLinks = 40;  // as many as the kernel follows in one lookup
constexpr std::string_view kBuildPrefix = ".build-";

std::deque<std::string> Split(std::string_view path) {
  std::deque<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    path = slash == std::string_view::npos ? "" : path.substr(slash + 1);
  }
  return parts;
}

// A point's way through the image: the directories it passes that exist (symlinks resolved),
// then the components to make.
struct Way {
  std::vector<std::string> existing;
  std::vector<std::string> missing;
  bool blocked = false;
};

fs::path Under(const fs::path& root, const std::vector<std::string>& parts) {
  fs::path path = root;
  for (const auto& part : parts) path /= part;
  return path;
}

Way Follow(const fs::path& view, const std::string& path) {
  Way way;
  std::deque<std::string> todo = Split(path);
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!way.existing.empty()) way.existing.pop_back();  // never above the root
      continue;
    }
    const fs::path at = Under(view, way.existing) / part;
    struct stat st {};
    if (::lstat(at.c_str(), &st) != 0) {
      way.blocked = errno != ENOENT;
      way.missing.push_back(part);
      for (auto& rest : todo) {
        if (rest == "..") way.blocked = true;  // a way that climbs back is the runtime's to walk
        way.missing.push_back(std::move(rest));
      }
      return way;
    }
    if (S_ISLNK(st.st_mode)) {
      std::error_code error;
      fs::path target = fs::read_symlink(at, error);
      if (error || ++links > kMaxLinks) {
        way.blocked = true;
        return way;
      }
      if (target.is_absolute()) way.existing.clear();
      std::deque<std::string> parts = Split(target.string());
      todo.insert(todo.begin(), parts.begin(), parts.end());
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !todo.empty()) {
      way.blocked = true;
      return way;
    }
    way.existing.push_back(std::move(part));
  }
  return way;
}

Status Failed(const fs::path& path, const char* what) {
  return ErrnoError(CodeFromErrno(errno), errno, fmt::format("{} {}", what, path.string()));
}

// `dst` as the directory `src` is: overlayfs shows a merged directory with the attributes of
// the topmost layer that has it, which this layer will be.
Status Mirror(const fs::path& src, const fs::path& dst) {
  struct stat st {};
  if (::stat(src.c_str(), &st) != 0) return Failed(src, "reading");
  if (::mkdir(dst.c_str(), 0700) != 0 && errno != EEXIST) return Failed(dst, "making");
  if (::lchown(dst.c_str(), st.st_uid, st.st_gid) != 0) return Failed(dst, "changing the owner of");
  if (::chmod(dst.c_str(), st.st_mode & 07777) != 0) return Failed(dst, "changing the mode of");
  return Status::Ok();
}

Status Make(const fs::path& path, bool directory) {
  if (directory) {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return Failed(path, "making");
    if (::chmod(path.c_str(), 0755) != 0) return Failed(path, "changing the mode of");
    return Status::Ok();
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return errno == EEXIST ? Status::Ok() : Failed(path, "making");
  int changed = ::fchmod(fd, 0644);
  ::close(fd);
  return changed == 0 ? Status::Ok() : Failed(path, "changing the mode of");
}

std::string HashOf(const std::vector<MountPoint>& points) {
  std::string canonical;
  for (const auto& p : points) canonical += (p.directory ? "d " : "f ") + p.path + "\n";
  return Sha256Of(canonical).hex().substr(0, 12);
}

}  // namespace

Status AddMountPoints(const fs::path& view, const fs::path& layer,
                      const std::vector<MountPoint>& points) {
  MINI_RETURN_IF_ERROR(Mirror(view, layer));
  for (const auto& point : points) {
    Way way = Follow(view, point.path);
    if (way.blocked || way.missing.empty()) continue;
    fs::path src = view, dst = layer;
    for (const auto& part : way.existing) {
      src /= part;
      dst /= part;
      MINI_RETURN_IF_ERROR(Mirror(src, dst));
    }
    for (size_t i = 0; i < way.missing.size(); ++i) {
      dst /= way.missing[i];
      MINI_RETURN_IF_ERROR(Make(dst, point.directory || i + 1 < way.missing.size()));
    }
  }
  return Status::Ok();
}

InitLayers::InitLayers(fs::path root, std::vector<MountPoint> points, Mounter& mounter)
    : root_(std::move(root)),
      points_(std::move(points)),
      points_hash_(HashOf(points_)),
      mounter_(mounter) {}

Result<fs::path> InitLayers::Ensure(const Digest& image, const std::vector<fs::path>& lower) {
  const fs::path dir = root_ / (image.hex() + "-" + points_hash_);
  std::error_code error;
  if (fs::is_directory(dir, error)) return dir;
  std::lock_guard lock(mu_);
  if (fs::is_directory(dir, error)) return dir;
  if (lower.empty()) {
    return Error(Code::kInvalidArgument, "image {} has no layers", image.String());
  }
  MINI_RETURN_IF_ERROR(MakeDirs(root_, 0700));
  const fs::path build = root_ / fmt::format("{}{}-{}", kBuildPrefix, ::getpid(), ++builds_);
  Status built = Build(lower, build);
  // Another process may have won the race; its layer is as good.
  if (built.ok() && ::rename((build / "layer").c_str(), dir.c_str()) != 0 && errno != EEXIST &&
      errno != ENOTEMPTY) {
    built = Failed(dir, "naming");
  }
  Status removed = RemoveTree(build);
  if (!built.ok()) {
    return built.WithContext("making the mount points of image {}", image.hex().substr(0, 12));
  }
  MINI_RETURN_IF_ERROR(removed);
  return dir;
}

Status InitLayers::Build(const std::vector<fs::path>& lower, const fs::path& build) {
  MINI_RETURN_IF_ERROR(MakeDirs(build, 0700));
  if (lower.size() == 1) return AddMountPoints(lower.front(), build / "layer", points_);
  const fs::path view = build / "view";
  MINI_RETURN_IF_ERROR(mounter_.Mount({lower, "", "", view}));
  Status added = AddMountPoints(view, build / "layer", points_);
  Status unmounted = mounter_.Unmount(view);
  MINI_RETURN_IF_ERROR(added);
  return unmounted;
}

Status InitLayers::ClearBuilds() {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root_, error)) {
    if (!entry.path().filename().string().starts_with(kBuildPrefix)) continue;
    ::umount2((entry.path() / "view").c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
    MINI_RETURN_IF_ERROR(RemoveTree(entry.path()));
  }
  return Status::Ok();
}

Status SweepInitLayers(const fs::path& root, const std::set<Digest>& keep) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root, error)) {
    std::string name = entry.path().filename().string();
    auto image = Digest::FromHex(name.substr(0, name.find('-')));
    if (image.ok() && !keep.contains(*image)) MINI_RETURN_IF_ERROR(RemoveTree(entry.path()));
  }
  return Status::Ok();
}

}  // namespace mini::cluster::runtime::image
