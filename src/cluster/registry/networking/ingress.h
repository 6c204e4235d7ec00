// Ingresses: rules and backends checked as upstream (a pathType on every path, absolute paths,
// one kind of backend), TLS hosts, the class name, and the CLASS / HOSTS / ADDRESS / PORTS
// columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::networking {

std::unique_ptr<Strategy> NewIngressStrategy();

}  // namespace mini::cluster::registry::networking
