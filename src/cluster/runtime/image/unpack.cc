#include "cluster/runtime/image/unpack.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cluster/runtime/image/archive.h"
#include "cluster/runtime/image/beneath.h"

namespace mini::cluster::runtime::image {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr char kOpaqueXattr[] = "trusted.overlay.opaque";

// Hashes every byte the tar reader pulls, so the diffID comes from the same single pass.
class HashingSource : public ByteSource {
 public:
  explicit HashingSource(ByteSource& inner) : inner_(inner) {}
  Result<std::string_view> Next() override {
    MINI_ASSIGN_OR_RETURN(std::string_view block, inner_.Next());
    hash_.Update(block);
    return block;
  }
  /// Hashes what the tar reader left unread (the end-of-archive padding) and returns the digest.
  Result<Digest> Finish() {
    for (;;) {
      MINI_ASSIGN_OR_RETURN(std::string_view block, Next());
      if (block.empty()) {
        return hash_.Finish();
      }
    }
  }

 private:
  ByteSource& inner_;
  Sha256 hash_;
};

Status Failed(std::string_view doing, const std::string& path) {
  return ErrnoError(CodeFromErrno(errno), errno, fmt::format("{} {}", doing, path));
}

struct timespec MtimeOf(const ArchiveEntry& e) {
  return {static_cast<time_t>(e.mtime_sec), static_cast<long>(e.mtime_nsec)};
}

// Applies entries one by one beneath the layer directory.
class Unpacker {
 public:
  Unpacker(int root, const UnpackOptions& options) : root_(root), options_(options) {}

  Status Apply(const ArchiveEntry& e, TarReader& tar) {
    MINI_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitEntryPath(e.path));
    if (parts.empty()) {
      if (e.type == EntryType::kDirectory) {
        dirs_.push_back({parts, e.mode, MtimeOf(e)});
      }
      return Status::Ok();
    }
    MINI_ASSIGN_OR_RETURN(Fd parent, OpenBeneath(root_, parts, parts.size() - 1, true));
    const std::string& leaf = parts.back();
    if (options_.whiteouts == WhiteoutMode::kOverlay && leaf.starts_with(kWhiteoutPrefix)) {
      return Whiteout(parent.get(), leaf, e.path);
    }
    switch (e.type) {
      case EntryType::kDirectory:
        return Directory(parent.get(), parts, e);
      case EntryType::kFile:
        return File(parent.get(), leaf, e, tar);
      case EntryType::kSymlink:
        MINI_RETURN_IF_ERROR(RemoveAt(parent.get(), leaf));
        if (::symlinkat(e.link.c_str(), parent.get(), leaf.c_str()) != 0) {
          return Failed("creating symlink", e.path);
        }
        return Attributes(parent.get(), leaf, e);
      case EntryType::kHardlink:
        return Hardlink(parent.get(), parts, e);
      case EntryType::kCharDevice:
      case EntryType::kBlockDevice:
      case EntryType::kFifo:
        return Node(parent.get(), leaf, e);
      case EntryType::kOther:
        return Status::Ok();
    }
    return Status::Ok();
  }

  // Directory modes and times go last: adding entries changes a directory's mtime, and a
  // read-only mode would stop an unprivileged unpack from filling it.
  void Finish() {
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      Fd dir;
      if (it->parts.empty()) {
        dir = Fd(::fcntl(root_, F_DUPFD_CLOEXEC, 0));
      } else if (auto parent = OpenBeneath(root_, it->parts, it->parts.size() - 1, false);
                 parent.ok()) {
        dir = Fd(::openat(parent->get(), it->parts.back().c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      }
      if (dir.valid()) {  // a later entry may have replaced it
        ::fchmod(dir.get(), it->mode);
        struct timespec times[2] = {it->mtime, it->mtime};
        ::futimens(dir.get(), times);
      }
    }
  }

 private:
  struct DirAttributes {
    std::vector<std::string> parts;
    uint32_t mode;
    struct timespec mtime;
  };

  Status Whiteout(int parent, const std::string& leaf, const std::string& path) {
    if (leaf == kOpaqueMarker) {
      if (::fsetxattr(parent, kOpaqueXattr, "y", 1, 0) != 0) {
        return Failed("marking opaque (needs CAP_SYS_ADMIN) the directory of", path);
      }
      return Status::Ok();
    }
    std::string name = leaf.substr(kWhiteoutPrefix.size());
    if (name.empty() || name.starts_with(kWhiteoutPrefix)) {
      return Status::Ok();  // AUFS bookkeeping (.wh..wh.plnk and the like): nothing to delete
    }
    MINI_RETURN_IF_ERROR(RemoveAt(parent, name));
    if (::mknodat(parent, name.c_str(), S_IFCHR, ::makedev(0, 0)) != 0) {
      return Failed("creating the whiteout for", path);
    }
    return Status::Ok();
  }

  Status Directory(int parent, const std::vector<std::string>& parts, const ArchiveEntry& e) {
    const std::string& leaf = parts.back();
    struct stat st {};
    if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      MINI_RETURN_IF_ERROR(RemoveAt(parent, leaf));
      if (::mkdirat(parent, leaf.c_str(), 0700) != 0) {
        return Failed("creating directory", e.path);
      }
    }
    Fd dir(::openat(parent, leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) {
      return Failed("opening", e.path);
    }
    Owner(dir.get(), e);
    Xattrs(dir.get(), e);
    dirs_.push_back({parts, e.mode, MtimeOf(e)});
    return Status::Ok();
  }

  Status File(int parent, const std::string& leaf, const ArchiveEntry& e, TarReader& tar) {
    MINI_RETURN_IF_ERROR(RemoveAt(parent, leaf));
    Fd out(
        ::openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out.valid()) {
      return Failed("creating", e.path);
    }
    for (;;) {
      MINI_ASSIGN_OR_RETURN(TarReader::Block block, tar.Read());
      if (block.size == 0) {
        break;
      }
      MINI_RETURN_IF_ERROR(WriteAt(out.get(), block, e.path));
    }
    // Sparse entries may end in a hole that no block covers.
    if (::ftruncate(out.get(), e.size) != 0) {
      return Failed("sizing", e.path);
    }
    Owner(out.get(), e);  // before the mode: chown clears setuid and setgid
    Xattrs(out.get(), e);
    ::fchmod(out.get(), e.mode);
    struct timespec times[2] = {MtimeOf(e), MtimeOf(e)};
    ::futimens(out.get(), times);
    return Status::Ok();
  }

  static Status WriteAt(int fd, const TarReader::Block& block, const std::string& path) {
    const char* data = static_cast<const char*>(block.data);
    size_t left = block.size;
    off_t offset = block.offset;
    while (left > 0) {
      ssize_t n = ::pwrite(fd, data, left, offset);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        return Failed("writing", path);
      }
      data += n;
      offset += n;
      left -= static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status Hardlink(int parent, const std::vector<std::string>& parts, const ArchiveEntry& e) {
    MINI_ASSIGN_OR_RETURN(std::vector<std::string> target, SplitEntryPath(e.link));
    if (target.empty() || target == parts) {
      return Error(Code::kInvalidArgument, "hard link \"{}\" names no other entry", e.path);
    }
    auto target_dir = OpenBeneath(root_, target, target.size() - 1, false);
    if (!target_dir.ok()) {
      return target_dir.status().WithContext("hard link \"{}\"", e.path);
    }
    MINI_RETURN_IF_ERROR(RemoveAt(parent, parts.back()));
    if (::linkat(target_dir->get(), target.back().c_str(), parent, parts.back().c_str(), 0) != 0) {
      return Failed("linking (to " + e.link + ")", e.path);
    }
    return Status::Ok();
  }

  Status Node(int parent, const std::string& leaf, const ArchiveEntry& e) {
    bool fifo = e.type == EntryType::kFifo;
    if (!fifo && !options_.privileged) {
      spdlog::debug("skipping device node {}: creating it needs root", e.path);
      return Status::Ok();
    }
    MINI_RETURN_IF_ERROR(RemoveAt(parent, leaf));
    mode_t type = fifo ? S_IFIFO : e.type == EntryType::kCharDevice ? S_IFCHR : S_IFBLK;
    dev_t dev = fifo ? 0 : ::makedev(e.dev_major, e.dev_minor);
    if (::mknodat(parent, leaf.c_str(), type | e.mode, dev) != 0) {
      return Failed("creating node", e.path);
    }
    return Attributes(parent, leaf, e);
  }

  // Owner and times of an entry that cannot be opened (a symlink, a device).
  Status Attributes(int parent, const std::string& leaf, const ArchiveEntry& e) {
    if (options_.privileged) {
      ::fchownat(parent, leaf.c_str(), static_cast<uid_t>(e.uid), static_cast<gid_t>(e.gid),
                 AT_SYMLINK_NOFOLLOW);
    }
    struct timespec times[2] = {MtimeOf(e), MtimeOf(e)};
    ::utimensat(parent, leaf.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return Status::Ok();
  }

  void Owner(int fd, const ArchiveEntry& e) {
    if (options_.privileged &&
        ::fchown(fd, static_cast<uid_t>(e.uid), static_cast<gid_t>(e.gid)) != 0) {
      spdlog::debug("chown {}: {}", e.path, std::strerror(errno));
    }
  }

  // Capabilities and ACLs as the tar carries them. overlay's own xattrs are never taken from a
  // layer: they would let an image redirect paths in the mounted root.
  static void Xattrs(int fd, const ArchiveEntry& e) {
    for (const auto& [name, value] : e.xattrs) {
      if (name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.")) {
        continue;
      }
      if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) != 0) {
        spdlog::debug("xattr {} on {}: {}", name, e.path, std::strerror(errno));
      }
    }
  }

  int root_;
  UnpackOptions options_;
  std::vector<DirAttributes> dirs_;
};

}  // namespace

UnpackOptions DefaultUnpackOptions() {
  bool root = ::geteuid() == 0;
  return {root ? WhiteoutMode::kOverlay : WhiteoutMode::kFiles, root};
}

Result<UnpackResult> UnpackLayer(const std::filesystem::path& blob,
                                 const std::filesystem::path& dir, const UnpackOptions& options) {
  MINI_ASSIGN_OR_RETURN(auto raw, DecompressedFile::Open(blob));
  HashingSource source(*raw);
  MINI_ASSIGN_OR_RETURN(auto tar, TarReader::OpenStream(source, "layer " + blob.string()));
  Fd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root.valid()) {
    return Failed("opening", dir.string());
  }
  Unpacker unpacker(root.get(), options);
  UnpackResult result;
  for (;;) {
    MINI_ASSIGN_OR_RETURN(std::optional<ArchiveEntry> entry, tar->Next());
    if (!entry) {
      break;
    }
    if (Status s = unpacker.Apply(*entry, *tar); !s.ok()) {
      return s.WithContext("layer {}", blob.filename().string());
    }
    ++result.entries;
  }
  unpacker.Finish();
  MINI_ASSIGN_OR_RETURN(result.diff_id, source.Finish());
  return result;
}

}  // namespace mini::cluster::runtime::image
