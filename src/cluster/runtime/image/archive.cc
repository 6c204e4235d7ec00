#include "cluster/runtime/image/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>

namespace mini::cluster::runtime::image {
namespace {

constexpr size_t kBlockSize = 64 * 1024;

// Only the compressions images use. libarchive's catch-all would also run external programs
// (lrzip, lzop...) on hostile input.
void SupportFilters(archive* a) {
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_bzip2(a);
}

Status ArchiveError(archive* a, std::string_view name, std::string_view doing) {
  int err = archive_errno(a);
  const char* text = archive_error_string(a);
  std::string why = text != nullptr ? text : "unknown error";
  if (err == ENOENT) {
    return Error(Code::kNotFound, "{}: no such file", name);
  }
  if (err == EACCES || err == EPERM) {
    return Error(Code::kPermissionDenied, "{}: {}", name, why);
  }
  return Error(Code::kInvalidArgument, "{}: {} while {}", name, why, doing);
}

EntryType TypeOf(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) {
    return EntryType::kHardlink;
  }
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return EntryType::kFile;
    case AE_IFDIR:
      return EntryType::kDirectory;
    case AE_IFLNK:
      return EntryType::kSymlink;
    case AE_IFCHR:
      return EntryType::kCharDevice;
    case AE_IFBLK:
      return EntryType::kBlockDevice;
    case AE_IFIFO:
      return EntryType::kFifo;
    default:
      return EntryType::kOther;
  }
}

ArchiveEntry Convert(archive_entry* e, const char* path) {
  ArchiveEntry out;
  out.path = path;
  out.type = TypeOf(e);
  if (const char* link =
          out.type == EntryType::kHardlink ? archive_entry_hardlink(e) : archive_entry_symlink(e)) {
    out.link = link;
  }
  out.mode = static_cast<uint32_t>(archive_entry_perm(e)) & 07777;
  out.uid = archive_entry_uid(e);
  out.gid = archive_entry_gid(e);
  out.size = archive_entry_size(e);
  out.mtime_sec = archive_entry_mtime(e);
  out.mtime_nsec = archive_entry_mtime_nsec(e);
  out.dev_major = static_cast<uint32_t>(archive_entry_rdevmajor(e));
  out.dev_minor = static_cast<uint32_t>(archive_entry_rdevminor(e));
  if (archive_entry_xattr_reset(e) > 0) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
      out.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<TarReader>> TarReader::OpenFile(const std::filesystem::path& file) {
  archive* a = archive_read_new();
  std::unique_ptr<TarReader> reader(new TarReader(a, file.string()));
  SupportFilters(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, file.c_str(), kBlockSize) != ARCHIVE_OK) {
    return reader->Failure("opening");
  }
  return reader;
}

Result<std::unique_ptr<TarReader>> TarReader::OpenStream(ByteSource& source, std::string name) {
  archive* a = archive_read_new();
  std::unique_ptr<TarReader> reader(new TarReader(a, std::move(name)));
  reader->source_ = &source;
  archive_read_support_format_tar(a);
  auto read = [](archive* ar, void* client, const void** buffer) -> la_ssize_t {
    auto* self = static_cast<TarReader*>(client);
    auto block = self->source_->Next();
    if (!block.ok()) {
      self->source_status_ = block.status();
      archive_set_error(ar, EIO, "%s", block.status().message().c_str());
      return -1;
    }
    *buffer = block->data();
    return static_cast<la_ssize_t>(block->size());
  };
  if (archive_read_open(a, reader.get(), nullptr, read, nullptr) != ARCHIVE_OK) {
    return reader->Failure("opening");
  }
  return reader;
}

TarReader::~TarReader() { archive_read_free(a_); }

Status TarReader::Failure(std::string_view doing) const {
  if (!source_status_.ok()) {
    return source_status_;
  }
  return ArchiveError(a_, name_, doing);
}

Result<std::optional<ArchiveEntry>> TarReader::Next() {
  archive_entry* e = nullptr;
  int r = archive_read_next_header(a_, &e);
  if (r == ARCHIVE_EOF) {
    return std::optional<ArchiveEntry>();
  }
  if (r < ARCHIVE_WARN) {
    return Failure("reading an entry header");
  }
  const char* path = archive_entry_pathname(e);
  if (path == nullptr) {
    return Error(Code::kInvalidArgument, "{}: an entry has a name that cannot be decoded", name_);
  }
  return std::optional<ArchiveEntry>(Convert(e, path));
}

Result<TarReader::Block> TarReader::Read() {
  Block block;
  la_int64_t offset = 0;
  int r = archive_read_data_block(a_, &block.data, &block.size, &offset);
  if (r == ARCHIVE_EOF) {
    return Block{};
  }
  if (r < ARCHIVE_WARN) {
    return Failure("reading entry data");
  }
  block.offset = offset;
  return block;
}

Result<std::unique_ptr<DecompressedFile>> DecompressedFile::Open(
    const std::filesystem::path& file) {
  archive* a = archive_read_new();
  std::unique_ptr<DecompressedFile> reader(new DecompressedFile(a, file.string()));
  SupportFilters(a);
  archive_read_support_format_raw(a);
  if (archive_read_open_filename(a, file.c_str(), kBlockSize) != ARCHIVE_OK) {
    return ArchiveError(a, reader->name_, "opening");
  }
  archive_entry* e = nullptr;
  int r = archive_read_next_header(a, &e);
  if (r == ARCHIVE_EOF) {
    reader->done_ = true;  // an empty file
  } else if (r < ARCHIVE_WARN) {
    return ArchiveError(a, reader->name_, "decompressing");
  }
  return reader;
}

DecompressedFile::~DecompressedFile() { archive_read_free(a_); }

Result<std::string_view> DecompressedFile::Next() {
  while (!done_) {
    const void* data = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(a_, &data, &size, &offset);
    if (r == ARCHIVE_EOF) {
      done_ = true;
      break;
    }
    if (r < ARCHIVE_WARN) {
      return ArchiveError(a_, name_, "decompressing");
    }
    if (size > 0) {
      return std::string_view(static_cast<const char*>(data), size);
    }
  }
  return std::string_view();
}

}  // namespace mini::cluster::runtime::image
