// Host file operations for the 9P server, confined to one exported directory. Every path is
// relative to the export and made of checked names (never "", ".", ".." or containing "/"),
// and is resolved from the export's descriptor one directory at a time without following a
// symlink, so no name a client sends, and no symlink it plants, reaches outside the export.
// Functions return 0 or an errno value, which the server sends back as it is.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/fd.h"
#include "common/status.h"

namespace mini::vm::ninep {

/// A path beneath the export, "a/b/c"; "" is the export itself.
using RelPath = std::string;

/// Whether a client's name may become one component of a RelPath.
bool ValidName(std::string_view name);
RelPath Join(const RelPath& dir, std::string_view name);
/// The directory holding `path`; the export's is the export itself.
RelPath Parent(const RelPath& path);
/// Whether `path` is `prefix` or lies beneath it.
bool Within(const RelPath& path, const RelPath& prefix);

/// What Tsetattr asks for; each part only when its flag is set.
struct SetAttr {
  bool set_mode = false, set_uid = false, set_gid = false, set_size = false;
  uint32_t mode = 0, uid = 0, gid = 0;
  uint64_t size = 0;
  timespec atime{0, UTIME_OMIT}, mtime{0, UTIME_OMIT};
};

struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  uint8_t type = 0;  // DT_*
};

class ExportDir {
 public:
  /// kNotFound / kInvalidArgument when `root` is missing or not a directory.
  static Result<ExportDir> Open(const std::filesystem::path& root);

  int Lstat(const RelPath& path, struct stat& st) const;
  /// Opens a regular file or directory; never a symlink, device, FIFO or socket, whose opening
  /// could block or reach beyond the export.
  int OpenFile(const RelPath& path, int flags, Fd& out) const;
  int Create(const RelPath& dir, std::string_view name, int flags, uint32_t mode, Fd& out) const;
  int Mkdir(const RelPath& dir, std::string_view name, uint32_t mode) const;
  int Symlink(const RelPath& dir, std::string_view name, std::string_view target) const;
  int Link(const RelPath& target, const RelPath& dir, std::string_view name) const;
  int Unlink(const RelPath& path, bool directory) const;
  int Rename(const RelPath& from, const RelPath& to) const;
  int Readlink(const RelPath& path, std::string& target) const;
  int Apply(const RelPath& path, const SetAttr& attr) const;
  int Statfs(struct statvfs& st) const;
  /// Every entry of an open directory, "." and ".." included.
  static int List(int dir_fd, std::vector<DirEntry>& out);

 private:
  explicit ExportDir(Fd root) : root_(std::move(root)) {}
  /// The directory of `path` and its last name ("." for the export itself).
  int At(const RelPath& path, Fd& dir, std::string& name) const;
  int OpenDir(const RelPath& dir, Fd& out) const;

  Fd root_;
};

}  // namespace mini::vm::ninep
