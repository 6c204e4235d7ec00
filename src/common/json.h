// JSON helpers over Boost.JSON: parsing into a Result and indented output for humans.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini {

/// Parses `text`; on failure the error names `what` (e.g. a file path) and the position.
Result<boost::json::value> ParseJson(std::string_view text, std::string_view what);

/// Serializes with two-space indentation and a trailing newline, as `-o json` and the state
/// files are read by people too.
std::string PrettyJson(const boost::json::value& value);

/// Reads a string member; kInvalidArgument naming the key when it is missing or not a string.
Result<std::string> GetString(const boost::json::object& object, std::string_view key);
/// Reads an integer member the same way.
Result<int64_t> GetInt(const boost::json::object& object, std::string_view key);

}  // namespace mini
