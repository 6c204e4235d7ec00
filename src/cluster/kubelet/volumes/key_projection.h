// configMap and secret volumes (and the same sources inside a projected volume): every key of
// the object as a file, or only the listed items at their paths, with defaultMode or each
// item's mode; an optional source that is missing gives no files.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/kubelet/pods/config_source.h"
#include "cluster/kubelet/volumes/atomic_writer.h"

namespace mini::cluster::kubelet::volumes {

/// The mode a JSON field gives ("defaultMode": 420 is 0644), or `fallback` when unset.
mode_t ModeAt(const boost::json::object& object, std::string_view key, mode_t fallback);

/// Adds the files of `source` (a configMap or secret volume source: name, items, optional) to
/// `out`. kNotFound with the kubelet's words for a missing object or key that is not optional.
Status ProjectKeys(const boost::json::object& source, pods::ConfigSource::Kind kind,
                   const std::string& name_space, pods::ConfigSource* config, mode_t default_mode,
                   Projection& out);

}  // namespace mini::cluster::kubelet::volumes
