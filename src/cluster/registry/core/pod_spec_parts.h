// The pieces of pod_spec.cc that are big enough for files of their own: containers (with their
// ports, env, probes and resources) and volumes. Internal to the core group.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <string>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::core {

/// Valid volumes of a spec by name, with the key of their source ("emptyDir", "secret"...).
using VolumeSources = std::map<std::string, std::string>;

void DefaultContainer(boost::json::object& container);
void DefaultVolume(boost::json::object& volume);

/// Validates spec.volumes at `path` and returns the volumes that mounts may refer to.
VolumeSources ValidateVolumes(const boost::json::array* volumes, const std::string& path,
                              FieldErrors& errors);

/// What container validation needs from the rest of the spec.
struct ContainerContext {
  const VolumeSources* volumes = nullptr;
  bool has_grace_period = false;
  int64_t grace_period = 0;
  std::string restart_policy;
};

/// spec.containers / spec.initContainers at `path`: required, unique names, every container's
/// own rules, and host ports that do not collide.
void ValidateContainers(const boost::json::array* containers, const std::string& path,
                        const ContainerContext& context, FieldErrors& errors);
void ValidateInitContainers(const boost::json::array* init_containers,
                            const boost::json::array* containers, const std::string& path,
                            const ContainerContext& context, FieldErrors& errors);

}  // namespace mini::cluster::registry::core
