// Field selectors: the `fieldSelector` query parameter of list and watch
// (`metadata.name=x`, `spec.nodeName=n,status.phase!=Succeeded`, `involvedObject.kind=Pod`).
//
// Syntax, canonical String() and error messages follow Kubernetes'. Which fields a resource
// can be selected by is the caller's knowledge: it passes them to Validate().
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::api::meta {

enum class FieldOperator {
  kEquals,     // path=value; "==" parses to this too, as upstream
  kNotEquals,  // path!=value
};

struct FieldRequirement {
  std::string path;  // dotted, e.g. "spec.nodeName"; taken verbatim, spaces included
  FieldOperator op = FieldOperator::kEquals;
  std::string value;  // unescaped

  /// `field_value` is the object's value at `path`, "" when it has none.
  bool Matches(std::string_view field_value) const;
  /// "path=value" or "path!=value", the value escaped again.
  std::string String() const;
};

/// Field values a resource computes itself, by path (upstream's "field set"); a path that is
/// absent compares as "".
using Fields = std::map<std::string, std::string>;

class FieldSelector {
 public:
  FieldSelector() = default;  // empty: matches everything

  /// Parses comma-separated `path=value`, `path==value`, `path!=value`. In a value, `\,`,
  /// `\=` and `\\` stand for ',', '=' and '\'; other escapes and bare ',' or '=' are
  /// kInvalidArgument with upstream's message.
  static Result<FieldSelector> Parse(std::string_view text);

  bool Empty() const { return requirements_.empty(); }

  /// kInvalidArgument "field label not supported: <path>" for the first requirement whose
  /// path is not in `supported_paths` (the API server answers 400 BadRequest).
  Status Validate(const std::vector<std::string>& supported_paths) const;

  /// Reads each requirement's path from the object with FieldValue().
  bool Matches(const boost::json::object& object) const;
  bool Matches(const Fields& fields) const;

  /// The value a `path=value` requirement pins, so a caller can use an index (a list with
  /// metadata.name=x is a single get); nullopt when no requirement pins `path`.
  std::optional<std::string> RequiresExactMatch(std::string_view path) const;

  /// The canonical form: requirements in sorted order of their text, "==" written as "=",
  /// values escaped; Parse(String()) gives back an equal selector.
  std::string String() const;

  const std::vector<FieldRequirement>& requirements() const { return requirements_; }

 private:
  std::vector<FieldRequirement> requirements_;
};

/// The value at a dotted path as field selectors compare it: a string as it is, a boolean as
/// "true"/"false", an integer in decimal; a missing field, null, object or array as "".
std::string FieldValue(const boost::json::object& object, std::string_view path);

/// Escapes '\', ',' and '=' in a value so that it can be written into a selector.
std::string EscapeFieldValue(std::string_view value);

}  // namespace mini::api::meta
