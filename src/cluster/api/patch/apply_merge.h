// Internal: merges an applied configuration into a live object the way server-side apply
// does, list types and atomicity taken from the schema.
#pragma once

#include <boost/json/value.hpp>

#include "cluster/api/patch/shape.h"

namespace mini::cluster::api::patch {

/// `live` merged with `applied`: applied values win, members and list items only `live` has
/// stay, nulls in `applied` remove. Shared keyed/set items follow the applied order, with live
/// items kept near the neighbours they had.
boost::json::value MergeApplied(const boost::json::value& live, const boost::json::value& applied,
                                const Shape& shape);

}  // namespace mini::cluster::api::patch
