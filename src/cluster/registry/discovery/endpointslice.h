// EndpointSlices: port names and protocols defaulted, an address type that may not change,
// addresses that fit it, and the ADDRESSTYPE / PORTS / ENDPOINTS columns.
#pragma once

#include <memory>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::discovery {

std::unique_ptr<Strategy> NewEndpointSliceStrategy();

}  // namespace mini::cluster::registry::discovery
