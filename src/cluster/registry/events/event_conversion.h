// events.k8s.io/v1 Event <-> core/v1 Event, the form objects of both APIs are stored in. The two
// kinds carry the same facts: seven fields have other names (regarding is core's involvedObject,
// note its message, reportingController its reportingComponent, and the four deprecated* fields
// its old-style source, firstTimestamp, lastTimestamp and count); the rest, metadata included, is
// the same.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/registry/converter.h"

namespace mini::cluster::registry::events {

/// The core/v1 form of an events.k8s.io/v1 Event, and back; apiVersion follows the form. Other
/// fields are carried over unchanged (the REST layer has already dropped unknown ones).
boost::json::object EventToCore(boost::json::object event);
boost::json::object EventFromCore(boost::json::object event);

/// The events.k8s.io/v1 name of a core/v1 field path ("involvedObject.namespace" ->
/// "regarding.namespace"), for errors found by checking the core form.
std::string EventPathFromCore(std::string_view path);

/// Stores events.k8s.io/v1 Events under core/v1 Events' keys, in core form.
std::unique_ptr<Converter> NewEventConverter();

}  // namespace mini::cluster::registry::events
