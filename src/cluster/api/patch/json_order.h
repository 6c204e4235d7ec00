// Equality and a total order over JSON values, shared by every patch flavour: list merge keys,
// JSON Patch `test`, set-list values and FieldsV1 keys all compare numbers by value (80 equals
// 80.0), not by how the JSON happened to spell them.
#pragma once

#include <boost/json/value.hpp>

namespace mini::cluster::api::patch {

/// <0, 0 or >0. Kinds order as server-side apply sorts them: numbers < strings < booleans <
/// arrays < objects < null. Arrays compare element-wise; objects by their sorted keys, then
/// values, so member order never matters.
int CompareJson(const boost::json::value& a, const boost::json::value& b);

inline bool JsonEqual(const boost::json::value& a, const boost::json::value& b) {
  return CompareJson(a, b) == 0;
}

}  // namespace mini::cluster::api::patch
