// Removing images and collecting what no image needs any more.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "cluster/runtime/image/image_store_impl.h"
#include "cluster/runtime/image/init_layer.h"

namespace mini::cluster::runtime::image {
namespace {

std::string ShortId(const Digest& id) { return id.hex().substr(0, 12); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

}  // namespace

Result<RemoveResult> ImageStoreImpl::Remove(std::string_view ref, bool force) {
  RemoveResult result;
  MINI_RETURN_IF_ERROR(records_.Update([&](std::vector<ImageRecord>& records) -> Status {
    result = RemoveResult();
    MINI_ASSIGN_OR_RETURN(Match m, FindImage(records, ref));
    ImageRecord& image = records[m.index];
    result.id = image.id;
    if (!m.name.empty() && image.names.size() > 1) {
      image.names.erase(std::find(image.names.begin(), image.names.end(), m.name));
      result.untagged = {m.name};
      return Status::Ok();
    }
    if (m.name.empty() && image.names.size() > 1 && !force) {
      return Error(Code::kFailedPrecondition, "image {} has several names ({})", ShortId(image.id),
                   JoinNames(image.names))
          .WithAdvice("remove it by name, one name at a time, or force it");
    }
    if (!image.users.empty()) {
      if (!force) {
        return Error(Code::kFailedPrecondition, "image {} is in use by {} container(s)",
                     std::string(ref), image.users.size())
            .WithAdvice("delete the pods that run it first, or force it");
      }
      result.untagged = std::move(image.names);  // collected once its containers are gone
      image.names.clear();
      return Status::Ok();
    }
    result.untagged = image.names;
    result.deleted = true;
    records.erase(records.begin() + static_cast<std::ptrdiff_t>(m.index));
    return Status::Ok();
  }));
  if (result.deleted) {
    SweepIfIdle();
  }
  return result;
}

Result<GcReport> ImageStoreImpl::GarbageCollect(const std::vector<std::string>& keep) {
  MINI_ASSIGN_OR_RETURN(Lease lease, Lease::Exclusive(LeaseFile(), options_.lock_timeout));
  GcReport report;
  MINI_RETURN_IF_ERROR(records_.Update([&](std::vector<ImageRecord>& records) {
    report = GcReport();
    std::set<size_t> kept;
    for (const auto& ref : keep) {
      if (auto m = FindImage(records, ref); m.ok()) {
        kept.insert(m->index);
      }
    }
    std::vector<ImageRecord> remaining;
    for (size_t i = 0; i < records.size(); ++i) {
      if (!records[i].users.empty() || kept.contains(i)) {
        remaining.push_back(std::move(records[i]));
      } else {
        report.images.push_back(records[i].id);
      }
    }
    records = std::move(remaining);
    return Status::Ok();
  }));
  MINI_RETURN_IF_ERROR(Sweep(report));
  return report;
}

// Only commits add references, and they run under shared leases, which the caller's exclusive
// one excludes: records read now can only shrink while the sweep runs, so nothing referenced
// is removed.
Status ImageStoreImpl::Sweep(GcReport& report) {
  MINI_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, records_.Read());
  std::set<Digest> blobs, layers, images;
  for (const auto& r : records) {
    images.insert(r.id);
    blobs.insert(r.manifest);
    blobs.insert(r.id);
    for (const auto& l : r.layers) {
      blobs.insert(l.digest);
      layers.insert(l.diff_id);
    }
  }
  MINI_ASSIGN_OR_RETURN(std::vector<Digest> stored_blobs, blobs_.List());
  for (const auto& d : stored_blobs) {
    if (!blobs.contains(d)) {
      auto size = blobs_.Size(d);
      MINI_RETURN_IF_ERROR(blobs_.Remove(d));
      report.bytes_freed += size.ok() ? *size : 0;
      ++report.blobs_removed;
    }
  }
  MINI_ASSIGN_OR_RETURN(std::vector<Digest> stored_layers, layers_.List());
  for (const auto& d : stored_layers) {
    if (!layers.contains(d)) {
      MINI_RETURN_IF_ERROR(layers_.Remove(d));
      ++report.layers_removed;
    }
  }
  MINI_RETURN_IF_ERROR(SweepInitLayers(InitLayersRoot(root_), images));
  MINI_RETURN_IF_ERROR(blobs_.ClearIngest());
  return layers_.ClearStaging();
}

void ImageStoreImpl::SweepIfIdle() {
  auto lease = Lease::TryExclusive(LeaseFile());
  if (!lease.ok() || !lease->has_value()) {
    return;  // a load or pull is running; the next sweep gets it
  }
  GcReport report;
  if (Status s = Sweep(report); !s.ok()) {
    spdlog::warn("sweeping the image store: {}", s.ToString());
  }
}

}  // namespace mini::cluster::runtime::image
