// One client connection's 9P2000.L state: the negotiated message size and the fids, each
// naming a path beneath the export and, once opened, its descriptor. Transport-free: the
// server hands it complete messages and sends back what it returns. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "vm/ninep/codec.h"
#include "vm/ninep/export_dir.h"

namespace mini::vm::ninep {

/// How the serving user's own files look to the guest, and back.
struct IdMap {
  uint32_t host_uid = 0, host_gid = 0;
  uint32_t guest_uid = 0, guest_gid = 0;
};

class Session {
 public:
  Session(const ExportDir& dir, uint32_t max_msize, IdMap ids)
      : dir_(dir), msize_(max_msize), max_msize_(max_msize), ids_(ids) {}

  /// The reply to one complete message (size field included). kInvalidArgument when it is
  /// malformed: the connection should end.
  Result<std::string> Handle(std::string_view message);
  /// The largest message either side may send now.
  uint32_t msize() const { return msize_; }

 private:
  struct Fid {
    RelPath path;
    Fd fd;  // after Tlopen or Tlcreate
    std::vector<DirEntry> listing;  // Treaddir's snapshot, read again at offset 0
    bool xattr = false;             // an (empty) attribute list from Txattrwalk
  };
  /// A handler returns 0 with its reply written, an errno value for Rlerror, or this when it
  /// could not parse the message (the connection ends).
  static constexpr int kMalformed = -1;
  using Handler = int (Session::*)(Reader&, Writer&);
  static Handler HandlerFor(uint8_t type);

  Fid* Find(uint32_t fid);
  int QidOf(const RelPath& path, Qid& qid) const;
  void Renamed(const RelPath& from, const RelPath& to);

  int Version(Reader& r, Writer& w);
  int Attach(Reader& r, Writer& w);
  int Walk(Reader& r, Writer& w);
  int Getattr(Reader& r, Writer& w);
  int Setattr(Reader& r, Writer& w);
  int Lopen(Reader& r, Writer& w);
  int Lcreate(Reader& r, Writer& w);
  int Read(Reader& r, Writer& w);
  int Write(Reader& r, Writer& w);
  int Readdir(Reader& r, Writer& w);
  int Clunk(Reader& r, Writer& w);
  int Remove(Reader& r, Writer& w);
  int Mkdir(Reader& r, Writer& w);
  int Unlinkat(Reader& r, Writer& w);
  int Renameat(Reader& r, Writer& w);
  int Rename(Reader& r, Writer& w);
  int Symlink(Reader& r, Writer& w);
  int Readlink(Reader& r, Writer& w);
  int Link(Reader& r, Writer& w);
  int Mknod(Reader& r, Writer& w);
  int Statfs(Reader& r, Writer& w);
  int Fsync(Reader& r, Writer& w);
  int Flush(Reader& r, Writer& w);
  int Xattrwalk(Reader& r, Writer& w);
  int Xattrcreate(Reader& r, Writer& w);
  int Lock(Reader& r, Writer& w);
  int Getlock(Reader& r, Writer& w);

  const ExportDir& dir_;
  uint32_t msize_;
  const uint32_t max_msize_;
  const IdMap ids_;
  std::unordered_map<uint32_t, Fid> fids_;
};

}  // namespace mini::vm::ninep
