// Small formatting rules shared by the kinds' Table columns, matching what kubectl shows against
// a real cluster so output reads the same.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace mini::cluster::registry {

/// Kubernetes' short ages: "0s", "45s", "5m3s", "12m", "3h10m", "5h", "2d3h", "12d", "3y45d".
std::string HumanDuration(std::chrono::system_clock::duration age);
/// The age of an object from metadata.creationTimestamp ("<unknown>" when absent or bad).
std::string Age(const boost::json::object& object, std::chrono::system_clock::time_point now);
/// Joins values with "," ("<none>" when empty), as list cells print.
std::string JoinOrNone(const std::vector<std::string>& values);
/// "app=web,tier=front" from a label map (sorted by key); "<none>" when empty.
std::string FormatLabels(const boost::json::object* labels);
/// The object at `path` ("spec.template.spec"), or nullptr when any step is missing or not an
/// object. Saves strategies from chains of if_object()/if_contains().
const boost::json::object* ObjectAt(const boost::json::object& object, std::string_view path);
/// The string / integer at `path`, or the fallback.
std::string StringAt(const boost::json::object& object, std::string_view path,
                     std::string_view fallback = "");
int64_t IntAt(const boost::json::object& object, std::string_view path, int64_t fallback = 0);

}  // namespace mini::cluster::registry
