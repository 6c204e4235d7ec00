#include "vm/ninep/session.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mini::vm::ninep {
namespace {

constexpr uint64_t kGetattrBasic = 0x7ff;  // mode, nlink, uid, gid, rdev, times, ino, size, blocks
constexpr uint32_t kMaxFids = 1 << 16;
constexpr uint32_t kMinMsize = 4096;

enum SetattrValid : uint32_t {
  kSetMode = 0x1,
  kSetUid = 0x2,
  kSetGid = 0x4,
  kSetSize = 0x8,
  kSetAtime = 0x10,
  kSetMtime = 0x20,
  kSetAtimeGiven = 0x80,
  kSetMtimeGiven = 0x100,
};

// Tlopen and Tlcreate carry Linux's open flags in the protocol's own numbering; only those that
// make sense for a file served to another machine are kept.
int HostOpenFlags(uint32_t wire) {
  struct Flag {
    uint32_t wire;
    int host;
  };
  static constexpr Flag kFlags[] = {{0100, O_CREAT},        {0200, O_EXCL},  {01000, O_TRUNC},
                                    {02000, O_APPEND},       {010000, O_DSYNC},
                                    {0200000, O_DIRECTORY}, {04000000, O_SYNC}};
  int host = (wire & 3) == 1 ? O_WRONLY : (wire & 3) == 2 ? O_RDWR : O_RDONLY;
  for (const Flag& f : kFlags) {
    if (wire & f.wire) host |= f.host;
  }
  return host;
}

Qid QidFromStat(const struct stat& st) {
  uint8_t type = S_ISDIR(st.st_mode) ? kQidDir : S_ISLNK(st.st_mode) ? kQidSymlink : kQidFile;
  return Qid{type, 0, static_cast<uint64_t>(st.st_ino)};
}

Qid QidFromEntry(const DirEntry& e) {
  uint8_t type = e.type == DT_DIR ? kQidDir : e.type == DT_LNK ? kQidSymlink : kQidFile;
  return Qid{type, 0, e.ino};
}

timespec WireTime(bool set, bool given, uint64_t sec, uint64_t nsec) {
  if (!set) return {0, UTIME_OMIT};
  if (!given) return {0, UTIME_NOW};
  return {static_cast<time_t>(sec), static_cast<long>(nsec)};
}

}  // namespace

Session::Handler Session::HandlerFor(uint8_t type) {
  switch (type) {
    case kTversion: return &Session::Version;
    case kTattach: return &Session::Attach;
    case kTwalk: return &Session::Walk;
    case kTgetattr: return &Session::Getattr;
    case kTsetattr: return &Session::Setattr;
    case kTlopen: return &Session::Lopen;
    case kTlcreate: return &Session::Lcreate;
    case kTread: return &Session::Read;
    case kTwrite: return &Session::Write;
    case kTreaddir: return &Session::Readdir;
    case kTclunk: return &Session::Clunk;
    case kTremove: return &Session::Remove;
    case kTmkdir: return &Session::Mkdir;
    case kTunlinkat: return &Session::Unlinkat;
    case kTrenameat: return &Session::Renameat;
    case kTrename: return &Session::Rename;
    case kTsymlink: return &Session::Symlink;
    case kTreadlink: return &Session::Readlink;
    case kTlink: return &Session::Link;
    case kTmknod: return &Session::Mknod;
    case kTstatfs: return &Session::Statfs;
    case kTfsync: return &Session::Fsync;
    case kTflush: return &Session::Flush;
    case kTxattrwalk: return &Session::Xattrwalk;
    case kTxattrcreate: return &Session::Xattrcreate;
    case kTlock: return &Session::Lock;
    case kTgetlock: return &Session::Getlock;
    default: return nullptr;
  }
}

Result<std::string> Session::Handle(std::string_view message) {
  Header h = ParseHeader(message);
  if (message.size() < kHeaderSize || h.size != message.size()) {
    return Error(Code::kInvalidArgument, "a message of {} bytes says it has {}", message.size(),
                 h.size);
  }
  Reader r(message.substr(kHeaderSize));
  Writer w(static_cast<uint8_t>(h.type + 1), h.tag);
  Handler handler = HandlerFor(h.type);
  int err = handler != nullptr ? (this->*handler)(r, w) : EOPNOTSUPP;
  if (err == kMalformed || !r.ok()) {
    return Error(Code::kInvalidArgument, "message type {} (tag {}) is truncated or malformed",
                 h.type, h.tag);
  }
  if (err != 0) {
    Writer e(kRlerror, h.tag);
    e.U32(static_cast<uint32_t>(err));
    return std::move(e).Finish();
  }
  return std::move(w).Finish();
}

Session::Fid* Session::Find(uint32_t fid) {
  auto it = fids_.find(fid);
  return it == fids_.end() ? nullptr : &it->second;
}

int Session::QidOf(const RelPath& path, Qid& qid) const {
  struct stat st {};
  if (int err = dir_.Lstat(path, st)) return err;
  qid = QidFromStat(st);
  return 0;
}

// Fids keep paths, so a rename moves every fid at or beneath the old name.
void Session::Renamed(const RelPath& from, const RelPath& to) {
  for (auto& [id, f] : fids_) {
    if (Within(f.path, from)) f.path = to + f.path.substr(from.size());
  }
}

int Session::Version(Reader& r, Writer& w) {
  uint32_t msize = r.U32();
  std::string_view version = r.Str();
  if (!r.ok()) return kMalformed;
  fids_.clear();
  // The reply may lower the client's msize, never raise it; one too small for a walk's reply
  // cannot work at all.
  if (msize < kMinMsize) return EINVAL;
  msize_ = std::min(msize, max_msize_);
  w.U32(msize_).Str(version.starts_with("9P2000.L") ? "9P2000.L" : "unknown");
  return 0;
}

int Session::Attach(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  r.U32();  // afid: no authentication
  r.Str();  // uname
  r.Str();  // aname: there is one tree
  r.U32();  // n_uname
  if (!r.ok()) return kMalformed;
  if (fids_.contains(fid)) return EBADF;
  Qid qid;
  if (int err = QidOf("", qid)) return err;
  fids_[fid] = Fid{};
  w.WriteQid(qid);
  return 0;
}

int Session::Walk(Reader& r, Writer& w) {
  uint32_t fid = r.U32(), newfid = r.U32();
  uint16_t n = r.U16();
  if (n > kMaxWalkNames) return kMalformed;
  std::vector<std::string_view> names;
  for (uint16_t i = 0; i < n; ++i) names.push_back(r.Str());
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  if (newfid != fid && fids_.contains(newfid)) return EBADF;
  if (fids_.size() >= kMaxFids) return EMFILE;
  RelPath path = f->path;
  std::vector<Qid> qids;
  for (std::string_view name : names) {
    // ".." at the export's root stays there, as it does at a file system's root.
    RelPath next = name == ".." ? Parent(path) : Join(path, name);
    Qid qid;
    int err = name != ".." && !ValidName(name) ? ENOENT : QidOf(next, qid);
    if (err != 0) {
      if (qids.empty()) return err;
      break;
    }
    qids.push_back(qid);
    path = std::move(next);
  }
  w.U16(static_cast<uint16_t>(qids.size()));
  for (const Qid& q : qids) w.WriteQid(q);
  if (qids.size() == names.size()) {
    Fid copy;
    copy.path = path;
    fids_[newfid] = std::move(copy);
  }
  return 0;
}

int Session::Getattr(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  r.U64();  // request_mask: the basic set is always sent
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  struct stat st {};
  if (int err = dir_.Lstat(f->path, st)) return err;
  uint32_t uid = st.st_uid == ids_.host_uid ? ids_.guest_uid : st.st_uid;
  uint32_t gid = st.st_gid == ids_.host_gid ? ids_.guest_gid : st.st_gid;
  w.U64(kGetattrBasic).WriteQid(QidFromStat(st)).U32(st.st_mode).U32(uid).U32(gid);
  w.U64(st.st_nlink).U64(st.st_rdev).U64(st.st_size).U64(st.st_blksize).U64(st.st_blocks);
  for (const timespec& t : {st.st_atim, st.st_mtim, st.st_ctim}) w.U64(t.tv_sec).U64(t.tv_nsec);
  w.U64(0).U64(0).U64(0).U64(0);  // btime, gen, data_version: not in the basic set
  return 0;
}

int Session::Setattr(Reader& r, Writer&) {
  uint32_t fid = r.U32(), valid = r.U32();
  SetAttr a;
  a.mode = r.U32();
  a.uid = r.U32();
  a.gid = r.U32();
  a.size = r.U64();
  uint64_t atime_sec = r.U64(), atime_nsec = r.U64(), mtime_sec = r.U64(), mtime_nsec = r.U64();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  a.set_mode = valid & kSetMode;
  a.set_uid = valid & kSetUid;
  a.set_gid = valid & kSetGid;
  a.set_size = valid & kSetSize;
  if (a.uid == ids_.guest_uid) a.uid = ids_.host_uid;
  if (a.gid == ids_.guest_gid) a.gid = ids_.host_gid;
  a.atime = WireTime(valid & kSetAtime, valid & kSetAtimeGiven, atime_sec, atime_nsec);
  a.mtime = WireTime(valid & kSetMtime, valid & kSetMtimeGiven, mtime_sec, mtime_nsec);
  return dir_.Apply(f->path, a);
}

int Session::Lopen(Reader& r, Writer& w) {
  uint32_t fid = r.U32(), flags = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  if (f->fd.valid() || f->xattr) return EBADF;
  Qid qid;
  if (int err = QidOf(f->path, qid)) return err;
  int host = qid.type == kQidDir ? O_RDONLY | O_DIRECTORY : HostOpenFlags(flags) & ~O_CREAT;
  if (int err = dir_.OpenFile(f->path, host, f->fd)) return err;
  w.WriteQid(qid).U32(0);  // iounit 0: the client sizes its I/O by msize
  return 0;
}

int Session::Lcreate(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  std::string_view name = r.Str();
  uint32_t flags = r.U32(), mode = r.U32();
  r.U32();  // gid: files belong to the serving user
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  if (f->fd.valid()) return EBADF;
  if (!ValidName(name)) return EINVAL;
  Fd fd;
  if (int err = dir_.Create(f->path, name, HostOpenFlags(flags) & ~O_DIRECTORY, mode, fd)) {
    return err;
  }
  RelPath path = Join(f->path, name);
  Qid qid;
  if (int err = QidOf(path, qid)) return err;
  f->path = std::move(path);
  f->fd = std::move(fd);
  w.WriteQid(qid).U32(0);
  return 0;
}

int Session::Read(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  uint64_t offset = r.U64();
  uint32_t count = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  if (f->xattr) {
    w.U32(0);
    return 0;
  }
  if (!f->fd.valid()) return EBADF;
  std::string data(std::min(count, msize_ - kIoHeaderSize), '\0');
  ssize_t n = ::pread(f->fd.get(), data.data(), data.size(), static_cast<off_t>(offset));
  if (n < 0) return errno;
  w.U32(static_cast<uint32_t>(n)).Bytes(std::string_view(data).substr(0, n));
  return 0;
}

int Session::Write(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  uint64_t offset = r.U64();
  uint32_t count = r.U32();
  std::string_view data = r.Bytes(count);
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr || !f->fd.valid()) return EBADF;
  ssize_t n = ::pwrite(f->fd.get(), data.data(), data.size(), static_cast<off_t>(offset));
  if (n < 0) return errno;
  w.U32(static_cast<uint32_t>(n));
  return 0;
}

int Session::Readdir(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  uint64_t offset = r.U64();
  uint32_t count = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr || !f->fd.valid()) return EBADF;
  // Offsets are positions in a snapshot taken when the client starts from the beginning.
  if (offset == 0 || f->listing.empty()) {
    if (int err = ExportDir::List(f->fd.get(), f->listing)) return err;
  }
  size_t limit = std::min(count, msize_ - kIoHeaderSize);
  size_t count_at = w.size();
  w.U32(0);
  size_t used = 0;
  for (uint64_t i = offset; i < f->listing.size(); ++i) {
    const DirEntry& e = f->listing[i];
    size_t need = kQidSize + 8 + 1 + 2 + e.name.size();
    if (used + need > limit) break;
    w.WriteQid(QidFromEntry(e)).U64(i + 1).U8(e.type).Str(e.name);
    used += need;
  }
  w.PatchU32(count_at, static_cast<uint32_t>(used));
  return 0;
}

int Session::Clunk(Reader& r, Writer&) {
  uint32_t fid = r.U32();
  if (!r.ok()) return kMalformed;
  return fids_.erase(fid) == 1 ? 0 : EBADF;
}

int Session::Remove(Reader& r, Writer&) {
  uint32_t fid = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  RelPath path = f->path;
  fids_.erase(fid);  // clunked whether or not the removal succeeds
  struct stat st {};
  if (int err = dir_.Lstat(path, st)) return err;
  return dir_.Unlink(path, S_ISDIR(st.st_mode));
}

}  // namespace mini::vm::ninep
