// A test helper for the integration tests: mounts a container root from an image in a store,
// as the kubelet will, so a script can run a program in it.
//
//   overlay_root_tool mount STORE IMAGE DIR   mounts DIR/rootfs (DIR/upper, DIR/work beside it)
//   overlay_root_tool umount DIR
#include <iostream>
#include <string>

#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/overlay.h"

namespace {
namespace img = mini::cluster::runtime::image;

mini::Status Mount(const std::filesystem::path& store_root, const std::string& ref,
                   const std::filesystem::path& dir) {
  MINI_ASSIGN_OR_RETURN(img::ImageStorePtr store, img::OpenImageStore(store_root));
  MINI_ASSIGN_OR_RETURN(img::ImageRecord image, store->Get(ref));
  MINI_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> lower, store->LowerDirs(image));
  img::OverlayMount mount{lower, dir / "upper", dir / "work", dir / "rootfs"};
  MINI_RETURN_IF_ERROR(img::NewSystemMounter()->Mount(mount));
  std::cout << mount.target.string() << "\n";
  return mini::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string verb = argc > 1 ? argv[1] : "";
  mini::Status status;
  if (verb == "mount" && argc == 5) {
    status = Mount(argv[2], argv[3], argv[4]);
  } else if (verb == "umount" && argc == 3) {
    status = img::NewSystemMounter()->Unmount(std::filesystem::path(argv[2]) / "rootfs");
  } else {
    std::cerr << "usage: overlay_root_tool mount STORE IMAGE DIR | umount DIR\n";
    return 2;
  }
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  return 0;
}
