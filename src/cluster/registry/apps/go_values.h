// Go's `%#v` rendering of the few values upstream quotes verbatim in validation messages
// ("spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable"). Users paste those
// messages into search engines, so they must read exactly as a real cluster's do. Shared by the
// groups whose upstream validation reuses these types (apps, batch, policy, rbac).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::apps {

/// Go's %q: "web", with Go's escapes.
std::string GoQuote(std::string_view text);
/// map[string]string{"app":"web"} (keys sorted); map[string]string(nil) when absent or null.
std::string GoStringMap(const boost::json::value* map);
/// v1.LabelSelector{MatchLabels:..., MatchExpressions:...}; "null" when absent or null.
std::string GoLabelSelector(const boost::json::value* selector);
/// intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}.
std::string GoIntOrString(const boost::json::value& value);

/// An Invalid error whose value prints in its Go form.
FieldError InvalidGo(std::string field, std::string go_value, std::string detail);
/// An Invalid error that shows no value ("<field>: Invalid value: <detail>"), as upstream's
/// field.OmitValueType prints.
FieldError InvalidOmitValue(std::string field, std::string detail);
/// []int32{1, 2}; []int32(nil) when absent.
std::string GoInt32Slice(const boost::json::value* list);

}  // namespace mini::cluster::registry::apps
