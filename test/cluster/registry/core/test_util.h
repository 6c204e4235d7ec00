// Helpers the core strategy tests share: JSON from text, and finding a field error by path.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::core::testing {

inline boost::json::object Parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

/// All errors as "<field>: <message>" lines, for readable failure output.
inline std::string Describe(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& error : errors) out += error.ToString() + "\n";
  return out;
}

/// Whether one error reads exactly `text` ("spec.containers: Required value").
inline bool HasError(const FieldErrors& errors, std::string_view text) {
  for (const FieldError& error : errors) {
    if (error.ToString() == text) return true;
  }
  return false;
}

}  // namespace mini::cluster::registry::core::testing
