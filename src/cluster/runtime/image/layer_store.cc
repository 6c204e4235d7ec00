#include "cluster/runtime/image/layer_store.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>

#include "common/files.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;

namespace {

void MakeWritable(const fs::path& dir) {
  ::chmod(dir.c_str(), 0700);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->symlink_status(ec).type() == fs::file_type::directory) {
      MakeWritable(it->path());
    }
  }
}

}  // namespace

Status RemoveTree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec && (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted)) {
    MakeWritable(path);
    ec.clear();
    fs::remove_all(path, ec);
  }
  if (ec) {
    return Error(CodeFromErrno(ec.value()), "removing {}: {}", path.string(), ec.message());
  }
  return Status::Ok();
}

bool LayerStore::Has(const Digest& diff_id) const {
  struct stat st {};
  return ::lstat(Dir(diff_id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status LayerStore::Ensure(const fs::path& blob, const Digest& diff_id) {
  if (Has(diff_id)) {
    return Status::Ok();
  }
  MINI_RETURN_IF_ERROR(MakeDirs(StagingDir()));
  MINI_RETURN_IF_ERROR(MakeDirs(LayersDir()));
  std::string pattern = (StagingDir() / "layer-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return ErrnoError(CodeFromErrno(errno), errno,
                      fmt::format("creating a directory in {}", StagingDir().string()));
  }
  fs::path staging = pattern;
  ::chmod(staging.c_str(), 0755);  // the container's "/" unless the layer says otherwise
  auto unpacked = UnpackLayer(blob, staging, options_);
  Status status = unpacked.status();
  if (status.ok() && unpacked->diff_id != diff_id) {
    status = Error(Code::kInvalidArgument,
                   "layer {} unpacks to content with digest {}, but the image says {}",
                   blob.filename().string(), unpacked->diff_id.String(), diff_id.String());
  }
  if (status.ok()) {
    if (::rename(staging.c_str(), Dir(diff_id).c_str()) == 0) {
      return Status::Ok();
    }
    // Another unpack of the same layer got there first: its tree is as good as ours.
    if (errno != ENOTEMPTY && errno != EEXIST) {
      status = ErrnoError(CodeFromErrno(errno), errno,
                          fmt::format("storing layer {}", diff_id.String()));
    }
  }
  Status removed = RemoveTree(staging);
  return status.ok() ? removed : status;
}

Result<std::vector<Digest>> LayerStore::List() const {
  std::vector<Digest> out;
  std::error_code ec;
  for (fs::directory_iterator it(LayersDir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (auto d = Digest::FromHex(it->path().filename().string()); d.ok()) {
      out.push_back(*d);
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error(CodeFromErrno(ec.value()), "listing {}: {}", LayersDir().string(), ec.message());
  }
  return out;
}

Status LayerStore::Remove(const Digest& diff_id) { return RemoveTree(Dir(diff_id)); }

Status LayerStore::ClearStaging() { return RemoveTree(StagingDir()); }

}  // namespace mini::cluster::runtime::image
