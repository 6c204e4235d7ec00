// Byte-stable JSON for documents that clients cache by content hash.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace mini::cluster::api::openapi {

/// Compact JSON with every object's keys in byte order, so that documents built from the same
/// schema are byte-for-byte equal no matter the order they were assembled in.
std::string CanonicalJson(const boost::json::value& value);

/// Uppercase hex SHA-512 of `bytes`, the form Kubernetes uses in `?hash=`.
std::string ContentHash(std::string_view bytes);

}  // namespace mini::cluster::api::openapi
