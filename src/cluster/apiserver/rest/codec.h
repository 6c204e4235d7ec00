// Request bodies in, response bodies out. Clients send JSON, YAML (kubectl create -f with
// Content-Type application/yaml is rare but legal) or, from kubectl's typed clients, protobuf;
// every reply is JSON.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::apiserver::rest {

/// Parses a body by its media type (parameters after ';' ignored). 415 UnsupportedMediaType
/// for other types, 400 BadRequest for a body that does not parse or is not an object.
Result<boost::json::object> DecodeBody(std::string_view content_type, std::string_view body,
                                       const api::schema::Schema& schema);

/// YAML text to JSON the way Kubernetes reads manifests (YAML 1.1 scalars: yes/no are booleans,
/// quoted scalars stay strings). Only the first document.
Result<boost::json::value> YamlToJson(std::string_view text);

/// Removes fields the schema does not declare under `type` and returns their paths
/// (".spec.replicaz"). Kubernetes prunes them; with fieldValidation=Strict it refuses them.
std::vector<std::string> PruneUnknownFields(boost::json::object& object,
                                            const api::schema::Type& type);

}  // namespace mini::cluster::apiserver::rest
