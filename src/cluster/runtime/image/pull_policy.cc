#include "cluster/runtime/image/pull_policy.h"

namespace mini::cluster::runtime::image {
namespace {

constexpr char kLoadAdvice[] =
    "load it with \"mini image load FILE.tar\" and set imagePullPolicy to IfNotPresent or Never";

Result<ImageRecord> Pull(ImageStore& store, Puller* puller, const Reference& ref,
                         const PullCredentials& credentials) {
  if (puller == nullptr) {
    return Error(Code::kUnavailable,
                 "image \"{}\" is not in the node's store and this node has no "
                 "registry client",
                 ref.String())
        .WithAdvice(kLoadAdvice)
        .WithReason("ErrImagePull");
  }
  auto pulled = puller->Pull(ref, store, credentials);
  if (!pulled.ok()) {
    Status s = pulled.status().WithContext("failed to pull image \"{}\"", ref.String());
    return Status(Code::kUnavailable, s.message()).WithReason("ErrImagePull");
  }
  return pulled;
}

}  // namespace

Result<PullPolicy> ParsePullPolicy(std::string_view text) {
  if (text == "Always") {
    return PullPolicy::kAlways;
  }
  if (text == "IfNotPresent") {
    return PullPolicy::kIfNotPresent;
  }
  if (text == "Never") {
    return PullPolicy::kNever;
  }
  return Error(Code::kInvalidArgument,
               "imagePullPolicy \"{}\" is not one of Always, IfNotPresent, Never", text);
}

PullPolicy DefaultPullPolicy(std::string_view image) {
  auto ref = ParseReference(image);
  return ref.ok() && ref->tag == kDefaultTag ? PullPolicy::kAlways : PullPolicy::kIfNotPresent;
}

Result<ImageRecord> EnsureImage(ImageStore& store, Puller* puller, std::string_view image,
                                PullPolicy policy, const PullCredentials& credentials) {
  auto ref = ParseReference(image);
  if (!ref.ok()) {
    return ref.status().WithReason("InvalidImageName");
  }
  if (policy == PullPolicy::kAlways) {
    return Pull(store, puller, *ref, credentials);
  }
  auto present = store.Get(ref->String());
  if (present.ok() || present.status().code() != Code::kNotFound) {
    return present;
  }
  if (policy == PullPolicy::kNever) {
    return Error(Code::kNotFound, "image \"{}\" is not present with pull policy of Never",
                 ref->String())
        .WithAdvice("load it with \"mini image load FILE.tar\"")
        .WithReason("ErrImageNeverPull");
  }
  return Pull(store, puller, *ref, credentials);
}

}  // namespace mini::cluster::runtime::image
