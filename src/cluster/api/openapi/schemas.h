// JSON Schema for each Definition, in the two dialects Kubernetes publishes: OpenAPI 3.0
// (components.schemas, references wrapped in allOf when they carry siblings) and Swagger 2.0
// (definitions, plain references). Internal to the openapi library.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "cluster/api/openapi/model.h"

namespace mini::cluster::api::openapi {

enum class Dialect { kV2, kV3 };

/// {"$ref": "#/components/schemas/<name>"} or {"$ref": "#/definitions/<name>"}.
boost::json::object Ref(Dialect dialect, std::string_view name);

/// The schema of one definition, with its x-kubernetes-group-version-kind when it is a kind.
boost::json::object DefinitionSchema(const Model& model, Dialect dialect,
                                     const Definition& definition);

}  // namespace mini::cluster::api::openapi
