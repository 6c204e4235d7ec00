// Helpers shared by labels.cc, labels_parse.cc and labels_json.cc; not for other users.
// They reproduce the shape of upstream's field errors so that messages read the same.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::api::meta::labels_internal {

/// Go's %q of a string: how upstream quotes a bad value.
std::string Quote(std::string_view s);
/// "<path>: Invalid value: <shown_value>: <detail>".
std::string Invalid(std::string_view path, std::string_view shown_value, std::string_view detail);
/// kInvalidArgument whose message lists the distinct errors as upstream aggregates them: one
/// error alone, several as "[a, b]". `errors` must not be empty.
Status Aggregate(const std::vector<std::string>& errors);
void SortUnique(std::vector<std::string>& values);

}  // namespace mini::api::meta::labels_internal
