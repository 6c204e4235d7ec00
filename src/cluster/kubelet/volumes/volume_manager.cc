#include "cluster/kubelet/volumes/volume_manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "cluster/kubelet/volumes/claim.h"
#include "cluster/kubelet/volumes/downward_api.h"
#include "cluster/kubelet/volumes/empty_dir.h"
#include "cluster/kubelet/volumes/host_path.h"
#include "cluster/kubelet/volumes/key_projection.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::volumes {
namespace json = boost::json;
using registry::ObjectAt;
using registry::StringAt;

namespace {

constexpr const char* kProjectedKinds[] = {"configMap", "secret", "downwardAPI", "projected"};

const json::array& Volumes(const json::object& pod) {
  static const json::array kNone;
  const json::object* spec = ObjectAt(pod, "spec");
  const json::value* list = spec ? spec->if_contains("volumes") : nullptr;
  return list && list->is_array() ? list->get_array() : kNone;
}

bool Projected(const json::object& volume) {
  for (const char* kind : kProjectedKinds) {
    if (volume.contains(kind)) return true;
  }
  return false;
}

}  // namespace

Status VolumeManager::SetUp(const json::object& pod, const json::object& volume,
                            const pods::Sandbox& sandbox) {
  const std::filesystem::path dir = pod_dir_ / "volumes" / StringAt(volume, "name");
  const std::string name_space = StringAt(pod, "metadata.namespace");
  Projection files;
  if (const json::object* empty = ObjectAt(volume, "emptyDir")) {
    // The pod's directory is in memory; what a pod keeps on disk is linked from there.
    if (disk_dir_.empty() || StringAt(*empty, "medium") == "Memory") {
      return SetUpEmptyDir(*empty, dir);
    }
    const std::filesystem::path on_disk = disk_dir_ / "volumes" / StringAt(volume, "name");
    MINI_RETURN_IF_ERROR(SetUpEmptyDir(*empty, on_disk));
    return LinkVolume(dir, on_disk);
  } else if (const json::object* host = ObjectAt(volume, "hostPath")) {
    MINI_RETURN_IF_ERROR(CheckHostPath(StringAt(*host, "path"), StringAt(*host, "type")));
    return LinkVolume(dir, StringAt(*host, "path"));
  } else if (const json::object* claim = ObjectAt(volume, "persistentVolumeClaim")) {
    MINI_ASSIGN_OR_RETURN(auto path,
                          ClaimPath(sources_.api, name_space, StringAt(*claim, "claimName")));
    return LinkVolume(dir, path);
  } else if (const json::object* config = ObjectAt(volume, "configMap")) {
    MINI_RETURN_IF_ERROR(ProjectKeys(*config, pods::ConfigSource::Kind::kConfigMap, name_space,
                                     sources_.env.config, ModeAt(*config, "defaultMode", 0644),
                                     files));
  } else if (const json::object* secret = ObjectAt(volume, "secret")) {
    MINI_RETURN_IF_ERROR(ProjectKeys(*secret, pods::ConfigSource::Kind::kSecret, name_space,
                                     sources_.env.config, ModeAt(*secret, "defaultMode", 0644),
                                     files));
  } else if (const json::object* downward = ObjectAt(volume, "downwardAPI")) {
    MINI_RETURN_IF_ERROR(ProjectDownward(pod, *downward, sandbox, sources_.env,
                                         ModeAt(*downward, "defaultMode", 0644), files));
  } else if (const json::object* projected = ObjectAt(volume, "projected")) {
    MINI_RETURN_IF_ERROR(ProjectSources(pod, *projected, sandbox, sources_, tokens_, files));
  } else {
    return Status(Code::kUnimplemented,
                  "unsupported volume type: this node mounts emptyDir, hostPath, "
                  "persistentVolumeClaim, configMap, secret, downwardAPI and projected volumes");
  }
  return WriteAtomically(dir, files).status();
}

Status VolumeManager::Sync(const json::object& pod, const pods::Sandbox& sandbox) {
  const auto now = std::chrono::steady_clock::now();
  const bool refresh = now >= next_refresh_;
  if (refresh) next_refresh_ = now + refresh_;
  for (const json::value& item : Volumes(pod)) {
    if (!item.is_object()) continue;
    const json::object& volume = item.get_object();
    const std::string name = StringAt(volume, "name");
    const bool ready = ready_.contains(name);
    if (ready && !(refresh && Projected(volume))) continue;
    Status done = SetUp(pod, volume, sandbox);
    if (done.ok()) {
      ready_.insert(name);
    } else if (ready) {
      spdlog::warn("refreshing volume {} of pod {}: {}", name, StringAt(pod, "metadata.name"),
                   done.message());
    } else {
      return Status(done.code(), fmt::format("MountVolume.SetUp failed for volume \"{}\" : {}",
                                             name, done.message()));
    }
  }
  return Status::Ok();
}

bool IsReadOnlyVolume(const json::object& pod, const std::string& name) {
  for (const json::value& item : Volumes(pod)) {
    if (item.is_object() && StringAt(item.get_object(), "name") == name) {
      return Projected(item.get_object());
    }
  }
  return false;
}

}  // namespace mini::cluster::kubelet::volumes
