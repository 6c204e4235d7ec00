// The Table form of `kubectl get`: the kind's columns, one row per object, each row carrying
// the object's metadata (or the whole object) so kubectl can add namespace and label columns.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "cluster/registry/strategy.h"

namespace mini::cluster::apiserver::rest {

enum class IncludeObject { kNone, kMetadata, kObject };

/// `includeObject` query value ("", "None", "Metadata", "Object"); Metadata by default.
IncludeObject ParseIncludeObject(std::string_view value);

/// A meta.k8s.io/v1 Table of `objects`. `list_metadata` becomes the table's metadata
/// (resourceVersion, continue, remainingItemCount).
boost::json::object BuildTable(const registry::Strategy& strategy,
                               const std::vector<boost::json::object>& objects,
                               boost::json::object list_metadata, IncludeObject include,
                               bool with_columns = true);

/// Whether an Accept header asks for a Table ("as=Table;v=v1;g=meta.k8s.io").
bool WantsTable(std::string_view accept);

}  // namespace mini::cluster::apiserver::rest
