// The CONTAINERS and IMAGES cells that workload kinds print from their pod template.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <utility>

namespace mini::cluster::registry::core {

/// ("web,sidecar", "nginx,busybox") from a PodSpec's containers; empty strings without any.
std::pair<std::string, std::string> ContainerCells(const boost::json::object* spec);

}  // namespace mini::cluster::registry::core
