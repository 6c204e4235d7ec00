// The volumes of one pod, each prepared in <pod dir>/volumes/<name> before its containers
// start, where container configuration binds them from: emptyDir (a directory or a tmpfs),
// hostPath and persistentVolumeClaim (a link to the node path), and configMap, secret,
// downwardAPI and projected volumes, written atomically and refreshed while the pod runs so
// containers see ConfigMap, Secret, label and token changes.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "cluster/kubelet/volumes/projected.h"

namespace mini::cluster::kubelet::volumes {

class VolumeManager {
 public:
  /// `disk_dir` holds the emptyDir volumes that are not memory-backed (empty: in `pod_dir`).
  VolumeManager(VolumeSources sources, std::filesystem::path pod_dir,
                std::chrono::milliseconds refresh = std::chrono::seconds(3),
                std::filesystem::path disk_dir = {})
      : sources_(sources),
        pod_dir_(std::move(pod_dir)),
        disk_dir_(std::move(disk_dir)),
        refresh_(refresh) {}

  /// Prepares the volumes not yet prepared, and refreshes the projected ones once per refresh
  /// period. An error, in the kubelet's FailedMount words, names the first volume that could
  /// not be prepared; a refresh that fails keeps the last content, as the kubelet does.
  Status Sync(const boost::json::object& pod, const pods::Sandbox& sandbox);

 private:
  Status SetUp(const boost::json::object& pod, const boost::json::object& volume,
               const pods::Sandbox& sandbox);

  VolumeSources sources_;
  std::filesystem::path pod_dir_;
  std::filesystem::path disk_dir_;
  std::chrono::milliseconds refresh_;
  std::set<std::string> ready_;
  std::chrono::steady_clock::time_point next_refresh_{};
  TokenCache tokens_;
};

/// Whether the volume named `name` in the pod's spec is one the kubelet mounts read-only
/// (configMap, secret, downwardAPI, projected).
bool IsReadOnlyVolume(const boost::json::object& pod, const std::string& name);

}  // namespace mini::cluster::kubelet::volumes
