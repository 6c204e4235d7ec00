// A content-addressed store of blobs (manifests, configs, compressed layers):
//
//   <root>/blobs/sha256/<hex>   complete, verified content, never modified in place
//   <root>/ingest/              temporary files of writers in progress
//
// A writer streams into a temporary file, hashing as it goes, and renames the file into place
// only once the digest (and the size, when known) checked out, so a blob path never holds
// partial or wrong content. Safe for concurrent use by threads and processes: two writers of
// one blob both end with the same bytes in place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/image/digest.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

/// Streams one blob into the store. Destroying it before Commit discards what was written.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  /// Appends data. kInvalidArgument as soon as more arrives than the expected size (a source
  /// that never stops cannot fill the disk); errno-derived codes when the disk refuses.
  Status Write(const void* data, size_t size);
  Status Write(std::string_view data) { return Write(data.data(), data.size()); }
  /// Checks the digest and size against what was expected, then makes the blob visible.
  /// kInvalidArgument on a mismatch, and nothing is kept. Returns the content's digest.
  Result<Digest> Commit();
  int64_t written() const { return written_; }

 private:
  friend class BlobStore;
  BlobWriter() = default;

  std::filesystem::path temp_;  // empty when the blob already exists: only verify
  std::filesystem::path blobs_dir_;
  int fd_ = -1;
  std::optional<Digest> expected_;
  int64_t expected_size_ = -1;
  int64_t written_ = 0;
  Sha256 hash_;
};
using BlobWriterPtr = std::unique_ptr<BlobWriter>;

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  /// A writer for a blob; `expected` and `expected_size` (-1: unknown) are checked on Commit.
  /// When the expected blob is already present the writer only hashes, writing nothing.
  Result<BlobWriterPtr> Writer(std::optional<Digest> expected = std::nullopt,
                               int64_t expected_size = -1);
  /// Stores a small blob held in memory (a manifest this process wrote).
  Result<Digest> Put(std::string_view content);

  std::filesystem::path Path(const Digest& digest) const;
  bool Has(const Digest& digest) const;
  /// kNotFound when absent.
  Result<int64_t> Size(const Digest& digest) const;
  /// Reads a blob that must be small (a manifest or config) and checks its digest: a blob
  /// damaged on disk is reported, not parsed. kResourceExhausted above `limit` bytes.
  Result<std::string> ReadSmall(const Digest& digest, size_t limit) const;
  Result<std::vector<Digest>> List() const;
  /// Removes a blob; an absent one is not an error.
  Status Remove(const Digest& digest);
  /// Removes the temporary files of writers that died. Only while no writer is live.
  Status ClearIngest();

 private:
  std::filesystem::path BlobsDir() const { return root_ / "blobs" / "sha256"; }
  std::filesystem::path IngestDir() const { return root_ / "ingest"; }

  std::filesystem::path root_;
};

}  // namespace mini::cluster::runtime::image
