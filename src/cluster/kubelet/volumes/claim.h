// persistentVolumeClaim volumes: the claim, the PersistentVolume bound to it (its
// spec.volumeName) and that volume's hostPath or local path, which the pod then uses as a
// hostPath volume.
#pragma once

#include <filesystem>
#include <string>

#include "cluster/kubelet/volumes/volume_api.h"

namespace mini::cluster::kubelet::volumes {

/// The node path behind claim `name`. kFailedPrecondition while the claim is unbound or for a
/// volume with neither hostPath nor local; kNotFound for a missing claim or volume.
Result<std::filesystem::path> ClaimPath(VolumeApi* api, const std::string& name_space,
                                        const std::string& name);

}  // namespace mini::cluster::kubelet::volumes
