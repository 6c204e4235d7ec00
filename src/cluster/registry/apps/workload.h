// What the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) share:
// label selectors checked and matched as upstream does, their pod template rules, IntOrString
// rollout limits (which PodDisruptionBudgets reuse, as upstream's policy group does), Go's
// semantic equality for immutable fields, and the Containers / Images table cells.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "cluster/api/meta/labels.h"
#include "cluster/registry/errors.h"

namespace mini::cluster::registry::apps {

/// upstream's ValidateLabelSelector: matchLabels keys and values, and each requirement's
/// operator, values and key. An absent selector has no errors.
void ValidateLabelSelector(const boost::json::value* selector, const std::string& path,
                           FieldErrors& errors);

/// A LabelSelector object as upstream's LabelSelectorAsSelector sees it: absent selects nothing,
/// empty selects everything, and a bad one is invalid.
struct ParsedSelector {
  bool valid = true;
  bool nothing = false;
  mini::api::meta::LabelSelector selector;

  /// Selects everything (upstream's Selector.Empty()).
  bool Empty() const { return valid && !nothing && selector.Empty(); }
  /// Whether the selector picks objects with these labels (absent labels: none).
  bool Matches(const boost::json::value* labels) const;
  /// The canonical text ("app=web,tier in (a,b)"); empty when it selects everything or nothing.
  std::string String() const;
};
ParsedSelector ParseSelector(const boost::json::value* selector);

/// Whether a LabelSelector object has any matchLabels or matchExpressions.
bool SelectorHasTerms(const boost::json::value& selector);

/// kubectl's FormatLabelSelector: the canonical text, "<none>" when empty, "<error>" if invalid.
std::string FormatSelector(const boost::json::value* selector);

/// spec.selector of Deployments, ReplicaSets and StatefulSets: required, valid and not empty
/// ("empty selector is invalid for <noun>"). Returns the parsed selector.
ParsedSelector ValidateRequiredSelector(const boost::json::object& spec, std::string_view noun,
                                        FieldErrors& errors);

/// The template's labels must be picked by a selector that picks anything at all.
void ValidateSelectorMatchesTemplate(const ParsedSelector& selector,
                                     const boost::json::object& spec, const std::string& path,
                                     FieldErrors& errors);

/// A template whose pods are restarted forever (Deployment, ReplicaSet, DaemonSet): a valid
/// PodTemplateSpec with restartPolicy Always and no activeDeadlineSeconds. `kind` names the
/// kind in upstream's message ("activeDeadlineSeconds in ReplicaSet is not Supported").
void ValidateServingTemplate(const boost::json::object& spec, const std::string& path,
                             std::string_view kind, bool validate_pod_spec, FieldErrors& errors);

/// The spec rules Deployments and ReplicaSets share: replicas >= 0, the required selector
/// (upstream names deployments in its message for both) matching the template's labels, and a
/// serving template (upstream words the template rules for ReplicaSets, which Deployments share).
void ValidateReplicatedSpec(const boost::json::object& spec, FieldErrors& errors);

/// Applies pod defaults to <spec>.template.spec when the template is there.
void DefaultTemplate(boost::json::object& spec);

/// Rollout limits given as a count or a percentage ("25%").
void ValidatePositiveIntOrPercent(const boost::json::value& value, const std::string& path,
                                  FieldErrors& errors);
void ValidateNotMoreThan100Percent(const boost::json::value& value, const std::string& path,
                                   FieldErrors& errors);
/// The number in "25%" or 3; 0 for anything else, as upstream.
int64_t IntOrPercentValue(const boost::json::value& value);
/// "25%" or "3", as IntOrString.String() prints.
std::string IntOrStringText(const boost::json::value& value);

/// Go's semantic equality: absent, null, empty objects and empty arrays are alike, as nil and
/// empty maps and slices are.
bool SemanticEqual(const boost::json::value* a, const boost::json::value* b);
/// "<path>: Invalid value: <new>: field is immutable" when the values differ. `go_value`, when
/// given, is how upstream prints the new value.
void ValidateImmutable(const boost::json::value* now, const boost::json::value* before,
                       const std::string& path, FieldErrors& errors,
                       const std::string& go_value = "");

/// The value at a dotted path ("metadata.annotations"), or nullptr when a step is missing.
const boost::json::value* ValueAt(const boost::json::object& object, std::string_view path);
boost::json::value* ValueAt(boost::json::object& object, std::string_view path);

/// Sets `key` when it is absent or null: the defaulting of Go pointer fields.
void SetIfAbsent(boost::json::object& object, std::string_view key, boost::json::value value);

/// `value` must be >= 0 when present.
void ValidateNonnegativeAt(const boost::json::object& object, std::string_view key,
                           const std::string& path, FieldErrors& errors);

/// The Containers and Images cells: names and images of the pod spec's containers joined by ",".
std::pair<std::string, std::string> ContainerCells(const boost::json::object* pod_spec);

}  // namespace mini::cluster::registry::apps
