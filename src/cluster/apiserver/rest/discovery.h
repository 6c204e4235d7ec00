// Discovery: what groups, versions and resources the server has, in the legacy form
// (/api, /apis, /api/v1, /apis/<group>[/<version>]) and the aggregated v2 form kubectl prefers,
// which must be sent with its exact content type or kubectl misreads it.
#pragma once

#include <string>
#include <vector>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/router.h"

namespace mini::cluster::apiserver::rest {

inline constexpr char kAggregatedDiscoveryType[] =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
inline constexpr char kAggregatedDiscoveryTypeBeta[] =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/// Registers the discovery routes for `schema` (built once: the answers never change while the
/// server runs). `server_address` is the "host:port" advertised in /api. `served_elsewhere`
/// lists resources outside the schema that other handlers serve (the metrics API).
void InstallDiscovery(Router& router, const api::schema::Schema& schema,
                      const std::string& server_address,
                      const std::vector<api::schema::Resource>& served_elsewhere = {});

}  // namespace mini::cluster::apiserver::rest
