#include "vm/image/archive.h"

#include <archive.h>
#include <archive_entry.h>

namespace mini::vm::image {
namespace {

Status ArchiveError(struct archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Error(Code::kInternal, "{}: {}", what, msg ? msg : "unknown archive error");
}

struct ReadCloser {
  struct archive* a;
  ~ReadCloser() { archive_read_free(a); }
};

Status WalkData(const std::string& deb_path, const std::string& data,
                const std::function<Status(const DebEntry&,
                                           const std::function<Result<std::string>()>&)>& visit) {
  ReadCloser in{archive_read_new()};
  archive_read_support_filter_all(in.a);
  archive_read_support_format_tar(in.a);
  if (archive_read_open_memory(in.a, data.data(), data.size()) != ARCHIVE_OK) {
    return ArchiveError(in.a, "reading the data of " + deb_path);
  }
  struct archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(in.a, &e)) == ARCHIVE_OK) {
    DebEntry entry;
    std::string path = archive_entry_pathname(e);
    entry.path = path.starts_with("./") ? path.substr(2) : path;
    while (!entry.path.empty() && entry.path.back() == '/') entry.path.pop_back();
    entry.is_dir = archive_entry_filetype(e) == AE_IFDIR;
    entry.is_symlink = archive_entry_filetype(e) == AE_IFLNK;
    entry.mode = archive_entry_perm(e);
    if (entry.is_symlink) entry.link_target = archive_entry_symlink(e);
    if (entry.path.empty()) continue;
    auto read_data = [&]() -> Result<std::string> {
      std::string out;
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(in.a, buf, sizeof buf)) > 0) out.append(buf, n);
      if (n < 0) return ArchiveError(in.a, "reading " + entry.path + " in " + deb_path);
      return out;
    };
    MINI_RETURN_IF_ERROR(visit(entry, read_data));
  }
  return r == ARCHIVE_EOF ? Status::Ok() : ArchiveError(in.a, "reading " + deb_path);
}

}  // namespace

Status ForEachDebFile(
    const std::string& deb_path,
    const std::function<Status(const DebEntry&, const std::function<Result<std::string>()>&)>&
        visit) {
  ReadCloser ar{archive_read_new()};
  archive_read_support_format_ar(ar.a);
  if (archive_read_open_filename(ar.a, deb_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return ArchiveError(ar.a, "opening " + deb_path);
  }
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(ar.a, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    if (!name.starts_with("data.tar")) continue;
    std::string data;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(ar.a, buf, sizeof buf)) > 0) data.append(buf, n);
    if (n < 0) return ArchiveError(ar.a, "reading " + deb_path);
    return WalkData(deb_path, data, visit);
  }
  return Error(Code::kInvalidArgument, "{} is not a Debian package (no data.tar member)",
               deb_path);
}

Result<std::unique_ptr<CpioWriter>> CpioWriter::Create(const std::string& path) {
  struct archive* a = archive_write_new();
  archive_write_set_format_cpio_newc(a);
  archive_write_add_filter_none(a);
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
    Status s = ArchiveError(a, "creating " + path);
    archive_write_free(a);
    return s;
  }
  return std::unique_ptr<CpioWriter>(new CpioWriter(a));
}

CpioWriter::~CpioWriter() {
  if (a_ != nullptr) archive_write_free(a_);
}

Status CpioWriter::Add(const std::string& path, mode_t type, mode_t mode, std::string_view data,
                       const std::string& link) {
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, path.c_str());
  archive_entry_set_filetype(e, type);
  archive_entry_set_perm(e, mode);
  archive_entry_set_ino(e, ino_++);  // newc links entries with equal inodes as hard links
  archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  if (!link.empty()) archive_entry_set_symlink(e, link.c_str());
  int r = archive_write_header(a_, e);
  archive_entry_free(e);
  if (r != ARCHIVE_OK) return ArchiveError(a_, "adding " + path);
  if (!data.empty() && archive_write_data(a_, data.data(), data.size()) < 0) {
    return ArchiveError(a_, "writing " + path);
  }
  return Status::Ok();
}

Status CpioWriter::AddDir(const std::string& path, mode_t mode) {
  return Add(path, AE_IFDIR, mode, {}, "");
}
Status CpioWriter::AddFile(const std::string& path, std::string_view data, mode_t mode) {
  return Add(path, AE_IFREG, mode, data, "");
}
Status CpioWriter::AddSymlink(const std::string& path, const std::string& target) {
  return Add(path, AE_IFLNK, 0777, {}, target);
}

Status CpioWriter::Close() {
  int r = archive_write_close(a_);
  Status s = r == ARCHIVE_OK ? Status::Ok() : ArchiveError(a_, "finishing the archive");
  archive_write_free(a_);
  a_ = nullptr;
  return s;
}

}  // namespace mini::vm::image
