// libarchive behind two small readers, so the rest of the image code never sees its C API: a
// tar reader (entries one at a time, their data in blocks) and a decompressing byte stream.
// Neither ever holds a whole entry in memory. Readers are not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

struct archive;  // libarchive's handle

namespace mini::cluster::runtime::image {

enum class EntryType {
  kFile,
  kDirectory,
  kSymlink,
  kHardlink,
  kCharDevice,
  kBlockDevice,
  kFifo,
  kOther,  // sockets and what tar cannot describe: skipped by every caller
};

struct ArchiveEntry {
  std::string path;  // as stored: may start with "./", may be hostile
  EntryType type = EntryType::kOther;
  std::string link;   // symlink target, or the earlier entry a hard link names
  uint32_t mode = 0;  // permission bits with setuid, setgid and sticky
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t size = 0;
  int64_t mtime_sec = 0;
  int64_t mtime_nsec = 0;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

/// Bytes fed to a reader from code rather than from a file.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// The next block, empty at the end; it stays valid until the next call.
  virtual Result<std::string_view> Next() = 0;
};

class TarReader {
 public:
  /// A tar file, plain or compressed (gzip, zstd, xz, bzip2: detected from the content).
  /// kNotFound when the file does not exist.
  static Result<std::unique_ptr<TarReader>> OpenFile(const std::filesystem::path& file);
  /// An uncompressed tar read from `source`, which must outlive the reader; `name` appears in
  /// errors.
  static Result<std::unique_ptr<TarReader>> OpenStream(ByteSource& source, std::string name);
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  /// The next entry, or nullopt after the last. kInvalidArgument when the input is not a tar
  /// archive or is damaged (truncated, bad checksum).
  Result<std::optional<ArchiveEntry>> Next();

  struct Block {
    const void* data = nullptr;
    size_t size = 0;     // 0 at the end of the entry
    int64_t offset = 0;  // where the block goes: sparse entries skip ranges
  };
  /// The next piece of the current entry's data.
  Result<Block> Read();

 private:
  TarReader(archive* a, std::string name) : a_(a), name_(std::move(name)) {}
  Status Failure(std::string_view doing) const;

  archive* a_;
  std::string name_;
  ByteSource* source_ = nullptr;
  Status source_status_;  // why the source stopped, when it failed
};

/// The decompressed content of a file (gzip, zstd, xz, bzip2 or plain), block by block.
class DecompressedFile : public ByteSource {
 public:
  static Result<std::unique_ptr<DecompressedFile>> Open(const std::filesystem::path& file);
  ~DecompressedFile() override;
  DecompressedFile(const DecompressedFile&) = delete;
  DecompressedFile& operator=(const DecompressedFile&) = delete;

  Result<std::string_view> Next() override;

 private:
  DecompressedFile(archive* a, std::string name) : a_(a), name_(std::move(name)) {}

  archive* a_;
  std::string name_;
  bool done_ = false;
};

}  // namespace mini::cluster::runtime::image
