#include "vm/ninep/export_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mini::vm::ninep {
namespace {

constexpr int kWalkFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

int Errno() { return errno != 0 ? errno : EIO; }

// Files are opened with O_NONBLOCK, so a FIFO put in place of a file cannot block the server,
// and kept only when they are regular files or directories.
int Keep(Fd fd, int flags, Fd& out) {
  if (!fd.valid()) return Errno();
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Errno();
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return EOPNOTSUPP;
  if ((flags & O_NONBLOCK) == 0 && ::fcntl(fd.get(), F_SETFL, flags & O_APPEND) != 0) {
    return Errno();
  }
  out = std::move(fd);
  return 0;
}

}  // namespace

bool ValidName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

RelPath Join(const RelPath& dir, std::string_view name) {
  return dir.empty() ? RelPath(name) : dir + "/" + std::string(name);
}

RelPath Parent(const RelPath& path) {
  size_t slash = path.rfind('/');
  return slash == RelPath::npos ? RelPath() : path.substr(0, slash);
}

bool Within(const RelPath& path, const RelPath& prefix) {
  if (prefix.empty()) return true;
  return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

Result<ExportDir> ExportDir::Open(const std::filesystem::path& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return ErrnoError(err == ENOTDIR ? Code::kInvalidArgument : CodeFromErrno(err), err,
                      "opening " + root.string());
  }
  return ExportDir(Fd(fd));
}

int ExportDir::OpenDir(const RelPath& dir, Fd& out) const {
  Fd cur(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
  if (!cur.valid()) return Errno();
  size_t start = 0;
  while (start < dir.size()) {
    size_t slash = dir.find('/', start);
    if (slash == RelPath::npos) slash = dir.size();
    std::string part = dir.substr(start, slash - start);
    // A symlink met on the way is ENOTDIR here (O_NOFOLLOW with O_DIRECTORY), never followed.
    Fd next(::openat(cur.get(), part.c_str(), kWalkFlags));
    if (!next.valid()) return Errno();
    cur = std::move(next);
    start = slash + 1;
  }
  out = std::move(cur);
  return 0;
}

int ExportDir::At(const RelPath& path, Fd& dir, std::string& name) const {
  if (path.empty()) {
    name = ".";
    return OpenDir("", dir);
  }
  size_t slash = path.rfind('/');
  name = slash == RelPath::npos ? path : path.substr(slash + 1);
  return OpenDir(Parent(path), dir);
}

int ExportDir::Lstat(const RelPath& path, struct stat& st) const {
  Fd dir;
  std::string name;
  if (int err = At(path, dir, name)) return err;
  return ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Errno();
}

int ExportDir::OpenFile(const RelPath& path, int flags, Fd& out) const {
  Fd dir;
  std::string name;
  if (int err = At(path, dir, name)) return err;
  return Keep(Fd(::openat(dir.get(), name.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)),
              flags, out);
}

int ExportDir::Create(const RelPath& dir, std::string_view name, int flags, uint32_t mode,
                      Fd& out) const {
  Fd d;
  if (int err = OpenDir(dir, d)) return err;
  std::string n(name);
  int all = flags | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  return Keep(Fd(::openat(d.get(), n.c_str(), all, mode & 07777)), flags, out);
}

int ExportDir::Mkdir(const RelPath& dir, std::string_view name, uint32_t mode) const {
  Fd d;
  if (int err = OpenDir(dir, d)) return err;
  return ::mkdirat(d.get(), std::string(name).c_str(), mode & 07777) == 0 ? 0 : Errno();
}

int ExportDir::Symlink(const RelPath& dir, std::string_view name, std::string_view target) const {
  Fd d;
  if (int err = OpenDir(dir, d)) return err;
  std::string t(target), n(name);
  return ::symlinkat(t.c_str(), d.get(), n.c_str()) == 0 ? 0 : Errno();
}

int ExportDir::Link(const RelPath& target, const RelPath& dir, std::string_view name) const {
  Fd from_dir, to_dir;
  std::string from_name;
  if (target.empty()) return EPERM;
  if (int err = At(target, from_dir, from_name)) return err;
  if (int err = OpenDir(dir, to_dir)) return err;
  std::string n(name);
  return ::linkat(from_dir.get(), from_name.c_str(), to_dir.get(), n.c_str(), 0) == 0 ? 0
                                                                                      : Errno();
}

int ExportDir::Unlink(const RelPath& path, bool directory) const {
  if (path.empty()) return EBUSY;  // the export itself stays
  Fd dir;
  std::string name;
  if (int err = At(path, dir, name)) return err;
  return ::unlinkat(dir.get(), name.c_str(), directory ? AT_REMOVEDIR : 0) == 0 ? 0 : Errno();
}

int ExportDir::Rename(const RelPath& from, const RelPath& to) const {
  if (from.empty() || to.empty()) return EBUSY;
  Fd from_dir, to_dir;
  std::string from_name, to_name;
  if (int err = At(from, from_dir, from_name)) return err;
  if (int err = At(to, to_dir, to_name)) return err;
  return ::renameat(from_dir.get(), from_name.c_str(), to_dir.get(), to_name.c_str()) == 0
             ? 0
             : Errno();
}

int ExportDir::Readlink(const RelPath& path, std::string& target) const {
  Fd dir;
  std::string name;
  if (int err = At(path, dir, name)) return err;
  char buf[4096];
  ssize_t n = ::readlinkat(dir.get(), name.c_str(), buf, sizeof buf);
  if (n < 0) return Errno();
  target.assign(buf, static_cast<size_t>(n));
  return 0;
}

int ExportDir::Apply(const RelPath& path, const SetAttr& a) const {
  Fd dir;
  std::string name;
  if (int err = At(path, dir, name)) return err;
  const char* n = name.c_str();
  // glibc changes the mode through an O_PATH descriptor, refusing a symlink, so a symlink
  // swapped in is never followed.
  if (a.set_mode && ::fchmodat(dir.get(), n, a.mode & 07777, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno();
  }
  if ((a.set_uid || a.set_gid) &&
      ::fchownat(dir.get(), n, a.set_uid ? a.uid : static_cast<uid_t>(-1),
                 a.set_gid ? a.gid : static_cast<gid_t>(-1), AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno();
  }
  if (a.set_size) {
    Fd fd(::openat(dir.get(), n, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return Errno();
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Errno();
    if (!S_ISREG(st.st_mode)) return EINVAL;
    if (::ftruncate(fd.get(), static_cast<off_t>(a.size)) != 0) return Errno();
  }
  if (a.atime.tv_nsec != UTIME_OMIT || a.mtime.tv_nsec != UTIME_OMIT) {
    timespec times[2] = {a.atime, a.mtime};
    if (::utimensat(dir.get(), n, times, AT_SYMLINK_NOFOLLOW) != 0) return Errno();
  }
  return 0;
}

int ExportDir::Statfs(struct statvfs& st) const {
  return ::fstatvfs(root_.get(), &st) == 0 ? 0 : Errno();
}

int ExportDir::List(int dir_fd, std::vector<DirEntry>& out) {
  // closedir() closes the descriptor it reads: give it a copy, reading from the start.
  int copy = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (d == nullptr) {
    int err = Errno();
    if (copy >= 0) ::close(copy);
    return err;
  }
  out.clear();
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    out.push_back({e->d_name, e->d_ino, e->d_type});
  }
  int err = errno;
  ::closedir(d);
  return err;
}

}  // namespace mini::vm::ninep
