// The node's image store: images loaded from archives (and, later, pulled), their layers
// unpacked once into shared read-only trees that containers stack as overlay lower layers.
//
//   <root>/images.json        the records (image_records.h)
//   <root>/blobs/sha256/      manifests, configs and layer blobs (blob_store.h)
//   <root>/layers/<diffID>/   unpacked layers (layer_store.h)
//   <root>/init/              the node's mount points per image (init_layer.h), swept with them
//
// Every method is safe to call from several threads and processes at once (the kubelet and
// `mini image` share a store); all of them may block on disk and on the store's locks.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/image/blob_store.h"
#include "cluster/runtime/image/image_records.h"
#include "cluster/runtime/image/manifest.h"
#include "cluster/runtime/image/unpack.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

/// Adds one image blob by blob, as a registry pull does. While it lives, garbage collection
/// waits, so blobs written but not yet committed are never swept.
class Ingestion {
 public:
  virtual ~Ingestion() = default;

  virtual bool Has(const Digest& blob) = 0;
  /// A writer that verifies the blob against `expected` and `size` as it is committed.
  virtual Result<BlobWriterPtr> Blob(const Digest& expected, int64_t size) = 0;
  /// Records the image whose manifest (not an index) is stored, unpacking its layers and
  /// checking them against the config's diffIDs, and points `names` at it (moving them off
  /// any other image). kNotFound when a blob is missing, kInvalidArgument when content does not
  /// match.
  virtual Result<ImageRecord> Commit(const Digest& manifest,
                                     const std::vector<std::string>& names) = 0;
};
using IngestionPtr = std::unique_ptr<Ingestion>;

struct RemoveResult {
  Digest id;
  std::vector<std::string> untagged;  // names taken off the image
  bool deleted = false;               // the image itself went
};

struct GcReport {
  std::vector<Digest> images;  // records removed
  int64_t blobs_removed = 0;
  int64_t layers_removed = 0;
  int64_t bytes_freed = 0;  // blob bytes
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;

  /// Loads every image of a docker-archive or OCI-layout tar, streaming it. kNotFound when the
  /// file does not exist; kInvalidArgument when it is not an image archive or is corrupt, and
  /// then no image is recorded.
  virtual Result<std::vector<ImageRecord>> Load(const std::filesystem::path& archive) = 0;
  virtual Result<IngestionPtr> BeginIngest() = 0;

  virtual Result<std::vector<ImageRecord>> List() = 0;
  /// The image `ref` names (see FindImage). kNotFound, or kInvalidArgument for an ambiguous ID.
  virtual Result<ImageRecord> Get(std::string_view ref) = 0;
  /// As `docker rmi`: a name of an image with several names is only untagged; otherwise the
  /// image goes and its content is swept. kFailedPrecondition for an image containers use, or
  /// an ID of an image with several names; with `force` such an image loses all its names
  /// and is deleted once released.
  virtual Result<RemoveResult> Remove(std::string_view ref, bool force) = 0;

  /// Marks the image `ref` as used by container `user`, so it is neither removed nor
  /// collected until released. Returns the image.
  virtual Result<ImageRecord> Acquire(std::string_view ref, const std::string& user) = 0;
  /// Drops `user` from every image; unknown users are not an error.
  virtual Status Release(const std::string& user) = 0;

  /// Removes every image that no container uses and that no entry of `keep` names, then every
  /// blob and layer no image references. kDeadlineExceeded when loads keep the store busy.
  virtual Result<GcReport> GarbageCollect(const std::vector<std::string>& keep) = 0;

  /// The unpacked layers of an image, top first, as overlayfs's lowerdir lists them.
  /// kNotFound when one is missing.
  virtual Result<std::vector<std::filesystem::path>> LowerDirs(const ImageRecord& image) = 0;
  /// How to run the image (entrypoint, environment...).
  virtual Result<ImageConfig> Config(const ImageRecord& image) = 0;
};
using ImageStorePtr = std::unique_ptr<ImageStore>;

struct ImageStoreOptions {
  UnpackOptions unpack = DefaultUnpackOptions();
  /// How long to wait for another operation holding the store's locks.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  /// Where the users of images are recorded; empty: <root>/users. A node keeps them in its
  /// memory-backed run directory, as they matter only while containers run.
  std::filesystem::path users_dir;
};

/// Where a node keeps its store: <data-dir>/images, for the kubelet and `mini image` alike.
inline std::filesystem::path ImageStoreRoot(const std::filesystem::path& data_dir) {
  return data_dir / "images";
}

/// The store rooted at `root` (created when missing).
Result<ImageStorePtr> OpenImageStore(const std::filesystem::path& root,
                                     const ImageStoreOptions& options = {});

}  // namespace mini::cluster::runtime::image
