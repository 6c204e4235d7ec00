#include "cluster/kubelet/volumes/atomic_writer.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <system_error>

#include "common/files.h"

namespace mini::cluster::kubelet::volumes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDataLink = "..data";
constexpr std::string_view kNewDataLink = "..data_tmp";

Status CheckPath(const std::string& path) {
  fs::path relative(path);
  if (path.empty() || relative.is_absolute()) {
    return Error(Code::kInvalidArgument, "file path {:?} must be relative and not empty", path);
  }
  for (const fs::path& part : relative) {
    if (part == "..") {
      return Error(Code::kInvalidArgument, "file path {:?} must not contain '..'", path);
    }
  }
  if (relative.begin()->string().starts_with("..")) {
    return Error(Code::kInvalidArgument, "file path {:?} must not start with '..'", path);
  }
  return Status::Ok();
}

// Whether the published version already holds exactly `files`.
bool Unchanged(const fs::path& dir, const Projection& files) {
  std::error_code error;
  const fs::path current = dir / kDataLink;
  if (!fs::is_symlink(current, error)) return false;
  size_t seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(current, error)) {
    if (entry.is_regular_file(error)) ++seen;
  }
  if (error || seen != files.size()) return false;
  for (const auto& [path, file] : files) {
    struct stat info {};
    if (stat((current / path).c_str(), &info) != 0 || (info.st_mode & 07777) != file.mode) {
      return false;
    }
    auto content = ReadFile(current / path);
    if (!content.ok() || *content != file.content) return false;
  }
  return true;
}

Result<fs::path> NewVersionDir(const fs::path& dir) {
  auto now = std::chrono::system_clock::now();
  std::string name =
      fmt::format("..{:%Y_%m_%d_%H_%M_%S}.XXXXXX", std::chrono::floor<std::chrono::seconds>(now));
  std::string path = (dir / name).string();
  if (mkdtemp(path.data()) == nullptr) {
    return ErrnoError(Code::kInternal, errno, "creating a volume version directory");
  }
  chmod(path.c_str(), 0755);
  return fs::path(path);
}

Status WriteFiles(const fs::path& version, const Projection& files) {
  for (const auto& [path, file] : files) {
    const fs::path target = version / path;
    MINI_RETURN_IF_ERROR(MakeDirs(target.parent_path(), 0755));
    MINI_RETURN_IF_ERROR(AtomicWriteFile(target, file.content, file.mode, Durability::kVolatile));
    chmod(target.c_str(), file.mode);  // exactly the asked mode, whatever the umask
  }
  return Status::Ok();
}

// Points ..data at `version` with one rename, so readers see the old files or the new ones.
Status Publish(const fs::path& dir, const fs::path& version) {
  std::error_code error;
  const fs::path link = dir / kNewDataLink;
  fs::remove(link, error);
  fs::create_symlink(version.filename(), link, error);
  if (!error) fs::rename(link, dir / kDataLink, error);
  if (error) return Error(Code::kInternal, "publishing a volume version: {}", error.message());
  return Status::Ok();
}

// The visible entries: a symlink through ..data for each first path element, no others.
Status LinkEntries(const fs::path& dir, const Projection& files) {
  std::set<std::string> wanted;
  for (const auto& [path, file] : files) wanted.insert(fs::path(path).begin()->string());
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("..") && !wanted.contains(name)) fs::remove(entry.path(), error);
  }
  for (const std::string& name : wanted) {
    if (fs::is_symlink(dir / name, error)) continue;
    fs::create_symlink(fs::path(kDataLink) / name, dir / name, error);
    if (error) return Error(Code::kInternal, "linking volume file {:?}: {}", name, error.message());
  }
  return Status::Ok();
}

}  // namespace

Result<bool> WriteAtomically(const fs::path& dir, const Projection& files) {
  for (const auto& [path, file] : files) MINI_RETURN_IF_ERROR(CheckPath(path));
  MINI_RETURN_IF_ERROR(MakeDirs(dir, 0755));
  if (Unchanged(dir, files)) return false;
  std::error_code error;
  const fs::path old = fs::is_symlink(dir / kDataLink, error)
                           ? dir / fs::read_symlink(dir / kDataLink, error)
                           : fs::path();
  MINI_ASSIGN_OR_RETURN(fs::path version, NewVersionDir(dir));
  if (Status written = WriteFiles(version, files); !written.ok()) {
    fs::remove_all(version, error);
    return written;
  }
  if (Status published = Publish(dir, version); !published.ok()) {
    fs::remove_all(version, error);
    return published;
  }
  MINI_RETURN_IF_ERROR(LinkEntries(dir, files));
  if (!old.empty() && old != version) fs::remove_all(old, error);
  return true;
}

}  // namespace mini::cluster::kubelet::volumes
