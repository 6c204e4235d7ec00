// GET /version: the Kubernetes version this server speaks.
//
// kubectl (and the GKE kubectl dispatcher installed here, which picks its client binary from
// "minor") reads this before anything else, so the answer names the Kubernetes release whose
// API mini implements rather than mini's own version.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/apiserver/router.h"

namespace mini::cluster::apiserver {

/// {"major":"1","minor":"32","gitVersion":"v1.32.4",...} in Kubernetes' field order.
boost::json::object KubernetesVersionInfo();

/// Serves GET /version to anyone.
void InstallVersionHandler(Router& router);

}  // namespace mini::cluster::apiserver
