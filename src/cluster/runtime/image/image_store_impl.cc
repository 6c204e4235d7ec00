#include "cluster/runtime/image/image_store_impl.h"

#include <algorithm>

#include "cluster/runtime/image/archive_import.h"
#include "cluster/runtime/image/reference.h"
#include "common/files.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
namespace {

class IngestionImpl : public Ingestion {
 public:
  IngestionImpl(ImageStoreImpl& store, Lease lease) : store_(store), lease_(std::move(lease)) {}

  bool Has(const Digest& blob) override { return store_.blobs().Has(blob); }

  Result<BlobWriterPtr> Blob(const Digest& expected, int64_t size) override {
    return store_.blobs().Writer(expected, size);
  }

  Result<ImageRecord> Commit(const Digest& manifest,
                             const std::vector<std::string>& names) override {
    std::vector<std::string> normalized;
    for (const auto& name : names) {
      MINI_ASSIGN_OR_RETURN(Reference ref, ParseReference(name));
      normalized.push_back(ref.String());
    }
    MINI_ASSIGN_OR_RETURN(ImageRecord image, store_.Prepare(manifest));
    MINI_ASSIGN_OR_RETURN(auto recorded, store_.Record({{std::move(image), normalized}}));
    return recorded.front();
  }

 private:
  ImageStoreImpl& store_;
  Lease lease_;  // held, not used: it keeps the collector out
};

void EraseName(std::vector<std::string>& names, const std::string& name) {
  names.erase(std::remove(names.begin(), names.end(), name), names.end());
}

}  // namespace

ImageStoreImpl::ImageStoreImpl(fs::path root, ImageStoreOptions options)
    : root_(std::move(root)),
      options_(options),
      blobs_(root_),
      layers_(root_, options.unpack),
      records_(root_, options.users_dir.empty() ? root_ / "users" : options.users_dir,
               options.lock_timeout) {}

Result<std::vector<ImageRecord>> ImageStoreImpl::Load(const fs::path& archive) {
  std::error_code ec;
  if (!fs::is_regular_file(archive, ec)) {
    return Error(fs::exists(archive, ec) ? Code::kInvalidArgument : Code::kNotFound, "{}: {}",
                 archive.string(), fs::exists(archive, ec) ? "not a regular file" : "no such file");
  }
  auto loaded = [&]() -> Result<std::vector<ImageRecord>> {
    MINI_ASSIGN_OR_RETURN(Lease lease, Lease::Shared(LeaseFile(), options_.lock_timeout));
    MINI_ASSIGN_OR_RETURN(std::vector<ArchiveImage> found, ImportArchive(archive, blobs_));
    std::vector<Prepared> prepared;
    for (const auto& image : found) {
      MINI_ASSIGN_OR_RETURN(ImageRecord record, Prepare(image.manifest));
      prepared.emplace_back(std::move(record), image.names);
    }
    return Record(prepared);
  }();
  SweepIfIdle();  // what a failed load stored, and blobs an archive held that no image needs
  return loaded;
}

Result<IngestionPtr> ImageStoreImpl::BeginIngest() {
  MINI_ASSIGN_OR_RETURN(Lease lease, Lease::Shared(LeaseFile(), options_.lock_timeout));
  return IngestionPtr(new IngestionImpl(*this, std::move(lease)));
}

Result<ImageRecord> ImageStoreImpl::Prepare(const Digest& manifest) {
  std::string what = "manifest " + manifest.String();
  MINI_ASSIGN_OR_RETURN(std::string text, blobs_.ReadSmall(manifest, kMaxDocumentBytes));
  MINI_ASSIGN_OR_RETURN(std::string type, DocumentMediaType(text, what));
  if (IsIndex(type)) {
    return Error(Code::kInvalidArgument, "{} is an index: commit one platform's manifest", what);
  }
  MINI_ASSIGN_OR_RETURN(Manifest m, ParseManifest(text, what));
  MINI_ASSIGN_OR_RETURN(std::string config_text,
                        blobs_.ReadSmall(m.config.digest, kMaxDocumentBytes));
  MINI_ASSIGN_OR_RETURN(ImageConfig config, ParseConfig(config_text, "config of " + what));
  if (config.diff_ids.size() != m.layers.size()) {
    return Error(Code::kInvalidArgument, "{} has {} layers but its config lists {} diffIDs", what,
                 m.layers.size(), config.diff_ids.size());
  }
  ImageRecord record;
  record.id = m.config.digest;
  record.manifest = manifest;
  record.created = config.created;
  record.size = static_cast<int64_t>(text.size() + config_text.size());
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Descriptor& layer = m.layers[i];
    MINI_ASSIGN_OR_RETURN(int64_t size, blobs_.Size(layer.digest));
    if (Status s = layers_.Ensure(blobs_.Path(layer.digest), config.diff_ids[i]); !s.ok()) {
      return s.WithContext("{}, layer {} of {}", what, i + 1, m.layers.size());
    }
    record.layers.push_back({layer.digest, config.diff_ids[i], size, layer.media_type});
    record.size += size;
  }
  return record;
}

Result<std::vector<ImageRecord>> ImageStoreImpl::Record(const std::vector<Prepared>& images) {
  std::vector<ImageRecord> out;
  MINI_RETURN_IF_ERROR(records_.Update([&](std::vector<ImageRecord>& records) -> Status {
    out.clear();
    for (const auto& [image, names] : images) {
      for (auto& other : records) {
        for (const auto& name : names) {
          EraseName(other.names, name);  // a name points at one image: the newest
        }
      }
      auto it = std::find_if(records.begin(), records.end(),
                             [&](const ImageRecord& r) { return r.id == image.id; });
      if (it == records.end()) {
        records.push_back(image);
        it = records.end() - 1;
      } else {
        ImageRecord updated = image;
        updated.names = it->names;
        updated.users = it->users;
        *it = std::move(updated);
      }
      it->names.insert(it->names.end(), names.begin(), names.end());
      out.push_back(*it);
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ImageRecord>> ImageStoreImpl::List() { return records_.Read(); }

Result<ImageRecord> ImageStoreImpl::Get(std::string_view ref) {
  MINI_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, records_.Read());
  MINI_ASSIGN_OR_RETURN(Match m, FindImage(records, ref));
  return records[m.index];
}

Result<ImageRecord> ImageStoreImpl::Acquire(std::string_view ref, const std::string& user) {
  ImageRecord acquired;
  MINI_RETURN_IF_ERROR(records_.Inspect([&](const std::vector<ImageRecord>& records) -> Status {
    MINI_ASSIGN_OR_RETURN(Match m, FindImage(records, ref));
    acquired = records[m.index];
    if (std::find(acquired.users.begin(), acquired.users.end(), user) == acquired.users.end()) {
      acquired.users.push_back(user);
    }
    return records_.AddUser(user, acquired.id);
  }));
  return acquired;
}

Status ImageStoreImpl::Release(const std::string& user) { return records_.RemoveUser(user); }

Result<std::vector<fs::path>> ImageStoreImpl::LowerDirs(const ImageRecord& image) {
  std::vector<fs::path> dirs;
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it) {
    if (!layers_.Has(it->diff_id)) {
      return Error(Code::kNotFound, "layer {} of image {} is missing; load the image again",
                   it->diff_id.String(), image.id.String());
    }
    dirs.push_back(layers_.Dir(it->diff_id));
  }
  return dirs;
}

Result<ImageConfig> ImageStoreImpl::Config(const ImageRecord& image) {
  MINI_ASSIGN_OR_RETURN(std::string text, blobs_.ReadSmall(image.id, kMaxDocumentBytes));
  return ParseConfig(text, "config " + image.id.String());
}

Result<ImageStorePtr> OpenImageStore(const fs::path& root, const ImageStoreOptions& options) {
  MINI_RETURN_IF_ERROR(MakeDirs(root));
  return ImageStorePtr(new ImageStoreImpl(root, options));
}

}  // namespace mini::cluster::runtime::image
