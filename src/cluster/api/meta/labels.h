// Label selectors: the `labelSelector` query parameter of list and watch, and the
// LabelSelector objects of Deployment, ReplicaSet, Job... specs (matchLabels + matchExpressions).
//
// The text syntax, the canonical String() form and the error messages follow Kubernetes',
// because kubectl users read those messages and clients compare selectors as strings (e.g.
// ReplicaSet status.selector).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::api::meta {

using Labels = std::map<std::string, std::string>;

enum class LabelOperator {
  kEquals,        // k=v
  kDoubleEquals,  // k==v: matches like kEquals, kept apart so String() gives back what was sent
  kNotEquals,     // k!=v: also true when k is absent
  kIn,            // k in (a,b)
  kNotIn,         // k notin (a,b): also true when k is absent
  kExists,        // k
  kDoesNotExist,  // !k
  kGreaterThan,   // k>5: integer comparison, false when k is absent or not an integer
  kLessThan,      // k<5
};

/// One comma-separated term of a selector. `values` is sorted and free of duplicates; it holds
/// exactly one value for the equality and integer operators and none for the existence ones.
struct LabelRequirement {
  std::string key;
  LabelOperator op = LabelOperator::kExists;
  std::vector<std::string> values;

  /// `value` is the object's value for `key`, nullopt when it has no such label.
  bool MatchesValue(std::optional<std::string_view> value) const;
  std::string String() const;
};

/// A conjunction of requirements, kept sorted by key as upstream does. The default-constructed
/// selector is empty and matches every object.
class LabelSelector {
 public:
  LabelSelector() = default;

  /// Parses the `labelSelector` syntax: `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>5,m<5`.
  /// kInvalidArgument with upstream's message on bad input (the API server answers 400).
  static Result<LabelSelector> Parse(std::string_view text);

  /// Builds the selector of a LabelSelector object such as a Deployment's spec.selector, whose
  /// JSON path is `path`. Errors name the offending field, e.g.
  /// `spec.selector.matchExpressions[0].operator: Unsupported value: "Foo": ...`.
  static Result<LabelSelector> FromJson(const boost::json::object& selector, std::string_view path);

  /// Every label of `labels` as an equality requirement (a Service's spec.selector). The keys
  /// and values are taken as they are: the object that holds them was validated when written.
  static LabelSelector FromLabels(const Labels& labels);

  bool Empty() const { return requirements_.empty(); }
  bool Matches(const Labels& labels) const;
  /// `labels` is an object's metadata.labels; a non-string value counts as no label.
  bool Matches(const boost::json::object& labels) const;

  /// The canonical form: requirements sorted by key, joined by ','; In/NotIn values sorted.
  /// Parse(String()) gives back an equal selector.
  std::string String() const;

  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

 private:
  explicit LabelSelector(std::vector<LabelRequirement> requirements);

  std::vector<LabelRequirement> requirements_;
};

/// A requirement checked as upstream's NewRequirement checks it: key a qualified name, values
/// valid label values, as many values as the operator takes, integers for kGreaterThan and
/// kLessThan. Duplicate values are dropped and the rest sorted.
Result<LabelRequirement> MakeLabelRequirement(std::string key, LabelOperator op,
                                              std::vector<std::string> values);

/// OK when `key` is a qualified name; else `<path>: Invalid value: "<key>": <problems>`.
Status ValidateLabelKey(std::string_view key, std::string_view path);

}  // namespace mini::api::meta
