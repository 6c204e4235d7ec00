// StorageClasses: Delete / Immediate defaults, a qualified provisioner name, settings that may not
// change once created, and the NAME "(default)" marker kubectl shows.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::storage {

std::unique_ptr<Strategy> NewStorageClassStrategy();

}  // namespace mini::cluster::registry::storage
