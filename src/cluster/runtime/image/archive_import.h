// Image archives read into the blob store in one streaming pass over the file:
//
//   docker-archive  what `docker save` and `skopeo copy ... docker-archive:` write:
//                   manifest.json (config, RepoTags, layers), <hex>.json configs, layer tars
//   OCI layout      oci-layout, index.json and blobs/sha256/<hex>, packed in a tar
//
// The archive itself may be compressed. Which kind it is comes from its content, not its
// name. Every regular file is streamed into the store as it passes (docker puts manifest.json
// last, so nothing can wait for it); blobs named by digest are verified on the way in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cluster/runtime/image/blob_store.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

/// An image found in an archive: its manifest (now in the store) and the names it carries.
struct ArchiveImage {
  Digest manifest;
  std::vector<std::string> names;  // normalized; empty for an untagged image
};

/// Streams the archive's blobs into `blobs` and lists its images. For a docker-archive, which
/// carries no manifest blobs, an OCI manifest is written for each image. kNotFound when the
/// file does not exist; kInvalidArgument when it is not an image archive, names content it
/// lacks, or holds a blob that does not match its digest. Blobs stored before a failure stay
/// unreferenced until the next sweep.
Result<std::vector<ArchiveImage>> ImportArchive(const std::filesystem::path& file,
                                                BlobStore& blobs);

}  // namespace mini::cluster::runtime::image
