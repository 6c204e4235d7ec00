// A JSON object of a schema type with every field set to a non-zero value, for round trips
// and the fuzzer's seed corpus.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::protobuf::testing {

/// Every field with a protobuf number set: scalars to a fixed non-zero value (negative
/// numbers included), lists to one element, maps to one "key"; pointer, list and map fields
/// stop some levels down so that recursive types stay finite.
boost::json::object Sample(const schema::Type& type);

}  // namespace mini::cluster::api::protobuf::testing
