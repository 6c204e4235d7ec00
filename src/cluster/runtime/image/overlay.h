// A container's root filesystem: the image's unpacked layers stacked read-only by overlayfs
// under a writable layer of the container's own. The kubelet mounts one per container; the
// Mounter interface is the system-call seam its tests replace.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::cluster::runtime::image {

struct OverlayMount {
  std::vector<std::filesystem::path> lower;  // top first, as ImageStore::LowerDirs gives them
  std::filesystem::path upper;  // the container's changes; none (with no work) for a read-only view
  std::filesystem::path work;   // overlayfs scratch, on upper's filesystem
  std::filesystem::path target;
};

/// The data string for mount(2). A read-only view (no upper) needs two lower layers, as the
/// kernel does. kInvalidArgument when there is no lower layer or a path
/// holds a character the option syntax reserves (',', ':', '\\'); kResourceExhausted when the
/// string exceeds the page the kernel accepts (hundreds of layers).
Result<std::string> OverlayOptions(const OverlayMount& mount);

class Mounter {
 public:
  virtual ~Mounter() = default;

  /// Mounts the overlay, creating upper, work (when given) and target when missing. kPermissionDenied
  /// without CAP_SYS_ADMIN. Blocks on the kernel only; thread-safe.
  virtual Status Mount(const OverlayMount& mount) = 0;
  /// Unmounts `target`; one that is not mounted is not an error.
  virtual Status Unmount(const std::filesystem::path& target) = 0;
};
using MounterPtr = std::unique_ptr<Mounter>;

/// mount(2) and umount2(2).
MounterPtr NewSystemMounter();

}  // namespace mini::cluster::runtime::image
