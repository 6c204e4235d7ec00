// imagePullPolicy as the kubelet applies it: whether a container may start from the image in
// the store or needs a pull first. Failures carry the kubelet's reasons (ErrImagePull,
// ErrImageNeverPull, InvalidImageName) for the container's waiting state.
#pragma once

#include <string_view>

#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/reference.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

enum class PullPolicy { kAlways, kIfNotPresent, kNever };

/// "Always", "IfNotPresent" or "Never"; kInvalidArgument otherwise.
Result<PullPolicy> ParsePullPolicy(std::string_view text);

/// Kubernetes' default for a container that names none: Always for the tag "latest" (given
/// or implied), IfNotPresent otherwise (another tag, or a digest alone).
PullPolicy DefaultPullPolicy(std::string_view image);

/// Fetches an image from its registry into the store.
class Puller {
 public:
  virtual ~Puller() = default;
  /// Blocks for the whole transfer; thread-safe.
  virtual Result<ImageRecord> Pull(const Reference& ref, ImageStore& store) = 0;
};

/// The image a container runs under `policy`: the stored one, or a fresh pull through
/// `puller` (null while mini has no registry client). kNotFound (ErrImageNeverPull) under
/// Never when absent; kUnavailable (ErrImagePull) when a pull is needed and fails or is
/// impossible; kInvalidArgument (InvalidImageName).
Result<ImageRecord> EnsureImage(ImageStore& store, Puller* puller, std::string_view image,
                                PullPolicy policy);

}  // namespace mini::cluster::runtime::image
