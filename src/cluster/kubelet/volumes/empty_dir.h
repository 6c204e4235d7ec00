// emptyDir volumes: a directory in the pod's directory, or a tmpfs there for medium: Memory
// (sized by sizeLimit). Mounts live only in volume directories, so tearing a pod down, or the
// whole node, unmounts by looking at what is mounted there.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>

#include "common/status.h"

namespace mini::cluster::kubelet::volumes {

/// Prepares the emptyDir volume `source` at `dir`; idempotent.
Status SetUpEmptyDir(const boost::json::object& source, const std::filesystem::path& dir);

/// Unmounts every mount among the volumes of the pod directory `pod_dir` (its volumes/*), so
/// the directory can be removed. What is not mounted is left alone.
Status UnmountVolumes(const std::filesystem::path& pod_dir);

}  // namespace mini::cluster::kubelet::volumes
