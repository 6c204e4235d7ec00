#include "cluster/kubelet/volumes/claim.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
using registry::StringAt;

Result<std::filesystem::path> ClaimPath(VolumeApi* api, const std::string& name_space,
                                        const std::string& name) {
  if (api == nullptr) return Status(Code::kUnavailable, "claims cannot be read on this node");
  MINI_ASSIGN_OR_RETURN(boost::json::object claim, api->Claim(name_space, name));
  const std::string volume_name = StringAt(claim, "spec.volumeName");
  if (volume_name.empty()) {
    return Error(Code::kFailedPrecondition,
                 "persistentvolumeclaim \"{}\" is not bound to a volume yet: bind it (set "
                 "spec.volumeName) to a PersistentVolume with a hostPath or local path",
                 name);
  }
  MINI_ASSIGN_OR_RETURN(boost::json::object volume, api->PersistentVolume(volume_name));
  std::string path = StringAt(volume, "spec.hostPath.path");
  if (path.empty()) path = StringAt(volume, "spec.local.path");
  if (path.empty()) {
    return Error(Code::kFailedPrecondition,
                 "persistentvolume \"{}\" has neither a hostPath nor a local path, the only "
                 "sources this node mounts",
                 volume_name);
  }
  return std::filesystem::path(path);
}

}  // namespace mini::cluster::kubelet::volumes
