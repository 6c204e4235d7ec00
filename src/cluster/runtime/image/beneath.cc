#include "cluster/runtime/image/beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mini::cluster::runtime::image {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out += (i > 0 ? "/" : "") + parts[i];
  }
  return out;
}

Status RemoveChildren(int dir) {
  int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);  // closedir() closes the descriptor it reads
  DIR* d = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (d == nullptr) {
    int err = errno;
    if (copy >= 0) {
      ::close(copy);
    }
    return ErrnoError(CodeFromErrno(err), err, "listing a directory to remove");
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") {
      names.emplace_back(n);
    }
  }
  ::closedir(d);
  for (const auto& n : names) {
    MINI_RETURN_IF_ERROR(RemoveAt(dir, n));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> SplitEntryPath(std::string_view path) {
  if (path.starts_with('/')) {
    return Error(Code::kInvalidArgument, "entry \"{}\" has an absolute path", path);
  }
  std::vector<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (part == "..") {
      return Error(Code::kInvalidArgument, "entry \"{}\" climbs out of the layer with \"..\"",
                   path);
    }
    if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return parts;
}

Result<Fd> OpenBeneath(int root, const std::vector<std::string>& parts, size_t count, bool create) {
  Fd current(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) {
    return ErrnoError(CodeFromErrno(errno), errno, "duplicating a descriptor");
  }
  for (size_t i = 0; i < count; ++i) {
    const std::string& name = parts[i];
    int fd = ::openat(current.get(), name.c_str(), kDirFlags);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoError(CodeFromErrno(errno), errno,
                          fmt::format("creating directory {}", Join(parts, i + 1)));
      }
      fd = ::openat(current.get(), name.c_str(), kDirFlags);
    }
    if (fd < 0) {
      int err = errno;
      struct stat st {};
      if (::fstatat(current.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        return Error(Code::kInvalidArgument, "\"{}\" is {}, so nothing can be placed under it",
                     Join(parts, i + 1), S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
      }
      return ErrnoError(CodeFromErrno(err), err, fmt::format("opening {}", Join(parts, i + 1)));
    }
    current = Fd(fd);
  }
  return current;
}

Status RemoveAt(int dir, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status::Ok()
                           : ErrnoError(CodeFromErrno(errno), errno, "inspecting " + name);
  }
  if (S_ISDIR(st.st_mode)) {
    Fd child(::openat(dir, name.c_str(), kDirFlags));
    if (!child.valid()) {
      return ErrnoError(CodeFromErrno(errno), errno, "opening " + name);
    }
    MINI_RETURN_IF_ERROR(RemoveChildren(child.get()));
  }
  if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 &&
      errno != ENOENT) {
    return ErrnoError(CodeFromErrno(errno), errno, "removing " + name);
  }
  return Status::Ok();
}

}  // namespace mini::cluster::runtime::image
