// What PersistentVolumes and PersistentVolumeClaims share: access modes, their short forms in
// tables, and storage class names from the old annotation or the field.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::core {

/// spec.accessModes: known modes, and ReadWriteOncePod alone.
void ValidateAccessModes(const boost::json::object& spec, const std::string& path,
                         FieldErrors& errors);
/// "RWO,ROX" as the ACCESS MODES column prints them.
std::string AccessModesCell(const boost::json::object* holder);
/// The storage class: the beta annotation wins over spec.storageClassName, as upstream reads it.
std::string StorageClassOf(const boost::json::object& object);
/// spec.volumeAttributesClassName, or "<unset>".
std::string VolumeAttributesClassOf(const boost::json::object& object);
/// The storage quantity of a resource list ("capacity"), canonical, or "" when absent.
std::string StorageOf(const boost::json::object* resources);

}  // namespace mini::cluster::registry::core
