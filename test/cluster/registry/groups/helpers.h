// Shorthands the group strategy tests share: objects from JSON text, the strategy a resource
// gets, and field errors as the "<field>: <message>" lines kubectl prints.
#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::testing {

inline boost::json::object Json(std::string_view text) {
  return boost::json::parse(text).as_object();
}

inline std::unique_ptr<Strategy> StrategyFor(const std::string& group, const std::string& resource,
                                             bool has_status = false) {
  std::unique_ptr<Strategy> strategy = NewStrategy(group, resource, StrategyContext{});
  strategy->set_has_status(has_status);
  return strategy;
}

inline std::vector<std::string> Lines(const FieldErrors& errors) {
  std::vector<std::string> lines;
  for (const FieldError& error : errors) lines.push_back(error.ToString());
  return lines;
}

inline bool Has(const FieldErrors& errors, std::string_view line) {
  std::vector<std::string> lines = Lines(errors);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// Defaults the object as the storage does before validating a create, then validates it.
inline FieldErrors Create(const Strategy& strategy, boost::json::object& object) {
  strategy.PrepareForCreate(object);
  strategy.Default(object);
  return strategy.Validate(object);
}

inline FieldErrors Update(const Strategy& strategy, boost::json::object& object,
                          const boost::json::object& old) {
  strategy.PrepareForUpdate(object, old);
  strategy.Default(object);
  return strategy.ValidateUpdate(object, old);
}

inline std::chrono::system_clock::time_point Time(std::string_view rfc3339) {
  return *mini::api::meta::ParseRfc3339(rfc3339);
}

}  // namespace mini::cluster::registry::testing
