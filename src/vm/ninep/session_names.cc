// The Session's handlers that change the tree's names (mkdir, unlink, rename, links) and the
// small ones around them (statfs, fsync, flush, extended attributes, locks).
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "vm/ninep/session.h"

namespace mini::vm::ninep {
namespace {

constexpr uint32_t kV9fsMagic = 0x01021997;
constexpr uint32_t kRemoveDir = 0x200;  // Tunlinkat's AT_REMOVEDIR
constexpr uint8_t kLockUnlocked = 2;

}  // namespace

int Session::Mkdir(Reader& r, Writer& w) {
  uint32_t dfid = r.U32();
  std::string_view name = r.Str();
  uint32_t mode = r.U32();
  r.U32();  // gid
  if (!r.ok()) return kMalformed;
  Fid* f = Find(dfid);
  if (f == nullptr) return EBADF;
  if (!ValidName(name)) return EINVAL;
  if (int err = dir_.Mkdir(f->path, name, mode)) return err;
  Qid qid;
  if (int err = QidOf(Join(f->path, name), qid)) return err;
  w.WriteQid(qid);
  return 0;
}

int Session::Unlinkat(Reader& r, Writer&) {
  uint32_t dfid = r.U32();
  std::string_view name = r.Str();
  uint32_t flags = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(dfid);
  if (f == nullptr) return EBADF;
  if (!ValidName(name)) return EINVAL;
  return dir_.Unlink(Join(f->path, name), flags & kRemoveDir);
}

int Session::Renameat(Reader& r, Writer&) {
  uint32_t old_dfid = r.U32();
  std::string_view old_name = r.Str();
  uint32_t new_dfid = r.U32();
  std::string_view new_name = r.Str();
  if (!r.ok()) return kMalformed;
  Fid* from = Find(old_dfid);
  Fid* to = Find(new_dfid);
  if (from == nullptr || to == nullptr) return EBADF;
  if (!ValidName(old_name) || !ValidName(new_name)) return EINVAL;
  RelPath old_path = Join(from->path, old_name), new_path = Join(to->path, new_name);
  if (int err = dir_.Rename(old_path, new_path)) return err;
  Renamed(old_path, new_path);
  return 0;
}

int Session::Rename(Reader& r, Writer&) {
  uint32_t fid = r.U32(), dfid = r.U32();
  std::string_view name = r.Str();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  Fid* d = Find(dfid);
  if (f == nullptr || d == nullptr) return EBADF;
  if (!ValidName(name)) return EINVAL;
  RelPath old_path = f->path, new_path = Join(d->path, name);
  if (int err = dir_.Rename(old_path, new_path)) return err;
  Renamed(old_path, new_path);
  return 0;
}

int Session::Symlink(Reader& r, Writer& w) {
  uint32_t dfid = r.U32();
  std::string_view name = r.Str(), target = r.Str();
  r.U32();  // gid
  if (!r.ok()) return kMalformed;
  Fid* f = Find(dfid);
  if (f == nullptr) return EBADF;
  if (!ValidName(name) || target.find('\0') != std::string_view::npos) return EINVAL;
  // The target is only stored: the server never follows a symlink, the guest resolves it.
  if (int err = dir_.Symlink(f->path, name, target)) return err;
  Qid qid;
  if (int err = QidOf(Join(f->path, name), qid)) return err;
  w.WriteQid(qid);
  return 0;
}

int Session::Readlink(Reader& r, Writer& w) {
  uint32_t fid = r.U32();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  std::string target;
  if (int err = dir_.Readlink(f->path, target)) return err;
  w.Str(target);
  return 0;
}

int Session::Link(Reader& r, Writer&) {
  uint32_t dfid = r.U32(), fid = r.U32();
  std::string_view name = r.Str();
  if (!r.ok()) return kMalformed;
  Fid* d = Find(dfid);
  Fid* f = Find(fid);
  if (d == nullptr || f == nullptr) return EBADF;
  if (!ValidName(name)) return EINVAL;
  return dir_.Link(f->path, d->path, name);
}

int Session::Mknod(Reader& r, Writer&) {
  r.U32();
  r.Str();
  r.U32();
  r.U32();
  r.U32();
  r.U32();
  if (!r.ok()) return kMalformed;
  return EPERM;  // device nodes, FIFOs and sockets on the host are not the guest's to make
}

int Session::Statfs(Reader& r, Writer& w) {
  r.U32();
  if (!r.ok()) return kMalformed;
  struct statvfs st {};
  if (int err = dir_.Statfs(st)) return err;
  w.U32(kV9fsMagic).U32(static_cast<uint32_t>(st.f_bsize)).U64(st.f_blocks).U64(st.f_bfree);
  w.U64(st.f_bavail).U64(st.f_files).U64(st.f_ffree).U64(st.f_fsid);
  w.U32(static_cast<uint32_t>(st.f_namemax));
  return 0;
}

int Session::Fsync(Reader& r, Writer&) {
  uint32_t fid = r.U32();  // newer clients add datasync[4], which changes nothing here
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr || !f->fd.valid()) return EBADF;
  return ::fsync(f->fd.get()) == 0 ? 0 : errno;
}

// Requests are answered in order, so the one being flushed has already had its reply.
int Session::Flush(Reader& r, Writer&) {
  r.U16();
  return r.ok() ? 0 : kMalformed;
}

int Session::Xattrwalk(Reader& r, Writer& w) {
  uint32_t fid = r.U32(), newfid = r.U32();
  std::string_view name = r.Str();
  if (!r.ok()) return kMalformed;
  Fid* f = Find(fid);
  if (f == nullptr) return EBADF;
  if (!name.empty()) return ENODATA;
  if (newfid != fid && fids_.contains(newfid)) return EBADF;
  Fid list;
  list.path = f->path;
  list.xattr = true;
  fids_[newfid] = std::move(list);
  w.U64(0);
  return 0;
}

int Session::Xattrcreate(Reader& r, Writer&) {
  r.U32();
  r.Str();
  r.U64();
  r.U32();
  return r.ok() ? EOPNOTSUPP : kMalformed;
}

// Locks are granted: the host's programs and the guest's do not coordinate through them.
int Session::Lock(Reader& r, Writer& w) {
  r.U32();
  r.U8();
  r.U32();
  r.U64();
  r.U64();
  r.U32();
  r.Str();
  if (!r.ok()) return kMalformed;
  w.U8(0);
  return 0;
}

int Session::Getlock(Reader& r, Writer& w) {
  r.U32();
  r.U8();
  uint64_t start = r.U64(), length = r.U64();
  uint32_t proc_id = r.U32();
  std::string_view client = r.Str();
  if (!r.ok()) return kMalformed;
  w.U8(kLockUnlocked).U64(start).U64(length).U32(proc_id).Str(client);
  return 0;
}

}  // namespace mini::vm::ninep
