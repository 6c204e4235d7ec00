// The one ImageStore: blobs, layers and records on the local disk. Private to this folder;
// everyone else opens it with OpenImageStore().
#pragma once

#include <utility>

#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/layer_store.h"
#include "cluster/runtime/image/lease.h"

namespace mini::cluster::runtime::image {

class ImageStoreImpl : public ImageStore {
 public:
  ImageStoreImpl(std::filesystem::path root, ImageStoreOptions options);

  // ImageStore
  Result<std::vector<ImageRecord>> Load(const std::filesystem::path& archive) override;
  Result<IngestionPtr> BeginIngest() override;
  Result<std::vector<ImageRecord>> List() override;
  Result<ImageRecord> Get(std::string_view ref) override;
  Result<RemoveResult> Remove(std::string_view ref, bool force) override;
  Result<ImageRecord> Acquire(std::string_view ref, const std::string& user) override;
  Status Release(const std::string& user) override;
  Result<GcReport> GarbageCollect(const std::vector<std::string>& keep) override;
  Result<std::vector<std::filesystem::path>> LowerDirs(const ImageRecord& image) override;
  Result<ImageConfig> Config(const ImageRecord& image) override;

  /// An image whose content is stored and verified, to be recorded under `names`.
  using Prepared = std::pair<ImageRecord, std::vector<std::string>>;
  /// Checks a stored manifest's config and blobs and unpacks its layers. The caller holds a
  /// shared lease, so nothing it relies on can be swept meanwhile.
  Result<ImageRecord> Prepare(const Digest& manifest);
  /// Records prepared images in one update of the records: all or none.
  Result<std::vector<ImageRecord>> Record(const std::vector<Prepared>& images);

  BlobStore& blobs() { return blobs_; }

 private:
  std::filesystem::path LeaseFile() const { return root_ / "gc.lock"; }
  /// Removes content no image references, once no load or pull is running.
  Status Sweep(GcReport& report);
  /// Sweeps now if nobody is adding content; otherwise leaves it to a later sweep.
  void SweepIfIdle();

  std::filesystem::path root_;
  ImageStoreOptions options_;
  BlobStore blobs_;
  LayerStore layers_;
  RecordFile records_;
};

}  // namespace mini::cluster::runtime::image
