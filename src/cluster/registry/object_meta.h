// Small accessors of an object's metadata that the storage's translation units share.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "cluster/registry/printing.h"

namespace mini::cluster::registry::object_meta {

/// The object's metadata, created empty when missing or not an object.
inline boost::json::object& Metadata(boost::json::object& object) {
  boost::json::value& metadata = object["metadata"];
  if (!metadata.is_object()) metadata = boost::json::object();
  return metadata.as_object();
}

inline const boost::json::object* MetadataOf(const boost::json::object& object) {
  return ObjectAt(object, "metadata");
}

inline std::string Name(const boost::json::object& object) {
  return StringAt(object, "metadata.name");
}

inline bool HasFinalizers(const boost::json::object& object) {
  const boost::json::object* metadata = MetadataOf(object);
  if (metadata == nullptr) return false;
  const boost::json::value* finalizers = metadata->if_contains("finalizers");
  return finalizers && finalizers->is_array() && !finalizers->get_array().empty();
}

inline bool BeingDeleted(const boost::json::object& object) {
  const boost::json::object* metadata = MetadataOf(object);
  return metadata && metadata->contains("deletionTimestamp");
}

}  // namespace mini::cluster::registry::object_meta
