// Serves /openapi/v2 and /openapi/v3[/<group-version>] from documents built once at start.
#pragma once

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/router.h"

namespace mini::cluster::apiserver::rest {

void InstallOpenApi(Router& router, const api::schema::Schema& schema);

}  // namespace mini::cluster::apiserver::rest
