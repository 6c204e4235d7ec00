// The `paths` of an OpenAPI document: one path item per URL a resource is served at, with an
// operation per verb it allows. kubectl reads two things here: the operation's
// x-kubernetes-group-version-kind (explain finds a resource's kind through it) and, on PATCH,
// the fieldValidation parameter and the accepted patch content types (apply decides from them
// whether the server validates fields and whether to compute strategic merge patches from the
// schemas). Internal to the openapi library.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/api/openapi/model.h"
#include "cluster/api/openapi/schemas.h"

namespace mini::cluster::api::openapi {

/// Adds the path items that serve `resource`: collection, item, the list across namespaces
/// and each subresource, with the operations its verbs allow.
void AddResourcePaths(const Model& model, Dialect dialect, const schema::Resource& resource,
                      boost::json::object& paths);

}  // namespace mini::cluster::api::openapi
