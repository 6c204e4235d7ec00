// The mount points the node gives every container (/etc/hosts, /etc/resolv.conf, the service
// account's token directory, /proc...), made once per image in a read-only layer stacked above
// the image's own. Without it the runtime makes them in each container's writable layer at
// every start: a dozen new inodes and directory copy-ups on the data disk, about a tenth of a
// pod start's CPU on a busy node. Docker keeps an "init" layer for the same reason.
//
//   <root>/<image hex>-<points hash>/   complete layers; one rename makes one appear
//   <root>/.build-<n>/                  builds in progress
#pragma once

#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cluster/runtime/image/digest.h"
#include "cluster/runtime/image/overlay.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

struct MountPoint {
  std::string path;  // absolute, as the container sees it
  bool directory = false;
};

/// Adds to `layer` each point that `view` (an image's merged tree) lacks. A path is followed
/// as the container will follow it: through the image's symlinks, never above its root. The
/// directories on the way that the image has are mirrored (mode and owner, since overlayfs
/// shows the topmost layer's); new directories are 0755, new files empty and 0644. A point the
/// image has in any form, or whose way a file or a symlink loop blocks, is left to the runtime.
Status AddMountPoints(const std::filesystem::path& view, const std::filesystem::path& layer,
                      const std::vector<MountPoint>& points);

/// Where a store rooted at `store_root` keeps its init layers.
inline std::filesystem::path InitLayersRoot(const std::filesystem::path& store_root) {
  return store_root / "init";
}

class InitLayers {
 public:
  InitLayers(std::filesystem::path root, std::vector<MountPoint> points, Mounter& mounter);

  /// The init layer of `image`, whose layers are `lower` (top first), built on first use (an
  /// image of several layers is read through a read-only overlay, so mounting needs
  /// CAP_SYS_ADMIN). Thread-safe.
  Result<std::filesystem::path> Ensure(const Digest& image,
                                       const std::vector<std::filesystem::path>& lower);
  /// Removes the builds an agent that died left behind; only while no build runs.
  Status ClearBuilds();

 private:
  Status Build(const std::vector<std::filesystem::path>& lower,
               const std::filesystem::path& build);

  std::filesystem::path root_;
  std::vector<MountPoint> points_;
  std::string points_hash_;
  Mounter& mounter_;
  std::mutex mu_;  // one build at a time: starts of one image wait for it rather than repeat it
  int builds_ = 0;
};

/// Removes the init layers of images not in `keep`; builds in progress are left alone.
Status SweepInitLayers(const std::filesystem::path& root, const std::set<Digest>& keep);

}  // namespace mini::cluster::runtime::image
