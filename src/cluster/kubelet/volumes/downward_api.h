// downwardAPI volumes (and the same source inside a projected volume): files holding the pod's
// name, namespace, uid, labels, annotations, node, service account and addresses, or a
// container's resources, refreshed as the pod changes.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/kubelet/pods/container_config.h"
#include "cluster/kubelet/volumes/atomic_writer.h"

namespace mini::cluster::kubelet::volumes {

/// Labels or annotations as the downward API writes them: one key="value" line per key,
/// sorted, the value quoted as Go's %q does, no final newline.
std::string FormatMap(const boost::json::object* map);

/// Adds the files of `source` (a downwardAPI source: items of path, fieldRef or
/// resourceFieldRef, mode) to `out`. kInvalidArgument for an item naming neither or an
/// unsupported field.
Status ProjectDownward(const boost::json::object& pod, const boost::json::object& source,
                       const pods::Sandbox& sandbox, const pods::EnvSources& env,
                       mode_t default_mode, Projection& out);

}  // namespace mini::cluster::kubelet::volumes
