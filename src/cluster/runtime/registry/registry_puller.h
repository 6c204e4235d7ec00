// The kubelet's Puller over the Registry HTTP API v2: mirrors first, then the registry; an
// index resolved to the linux manifest for this machine; every blob streamed through the
// store's ingestion (verified there) unless already present; then the image committed under
// its normalized name.
#pragma once

#include "cluster/runtime/image/pull_policy.h"
#include "cluster/runtime/registry/endpoints.h"

namespace mini::cluster::runtime::registry {

image::PullerPtr NewRegistryPuller(RegistryOptions options);

}  // namespace mini::cluster::runtime::registry
