// imagePullPolicy as the kubelet applies it: whether a container may start from the image in
// the store or needs a pull first. Failures carry the kubelet's reasons (ErrImagePull,
// ErrImageNeverPull, InvalidImageName) for the container's waiting state.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

/// A login for one registry, as a pod's imagePullSecrets provide it.
struct RegistryCredential {
  std::string registry;  // the host a reference's domain names: "docker.io", "host:5000"
  std::string username;
  std::string password;
};
/// Tried in order: the first one for the image's registry is used.
using PullCredentials = std::vector<RegistryCredential>;

/// Fetches an image from its registry into the store.
class Puller {
 public:
  virtual ~Puller() = default;
  /// Blocks for the whole transfer; thread-safe. `credentials` may be empty (anonymous).
  /// Failures carry the registry's own words ("manifest unknown", "authentication required").
  virtual Result<ImageRecord> Pull(const Reference& ref, ImageStore& store,
                                   const PullCredentials& credentials) = 0;
};
using PullerPtr = std::unique_ptr<Puller>;

/// The image a container runs under `policy`: the stored one, or a fresh pull through
/// `puller` (null when the node has no registry client) with `credentials`. kNotFound
/// (ErrImageNeverPull) under Never when absent; kUnavailable (ErrImagePull) when a pull is
/// needed and fails or is impossible, the message starting "failed to pull image"; kInvalidArgument
/// (InvalidImageName).
Result<ImageRecord> EnsureImage(ImageStore& store, Puller* puller, std::string_view image,
                                PullPolicy policy, const PullCredentials& credentials = {});

}  // namespace mini::cluster::runtime::image
