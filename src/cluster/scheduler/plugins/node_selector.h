// Matching a node against a pod's spec.nodeSelector and required node affinity
// (nodeSelectorTerms), with Kubernetes' semantics for each operator.
#pragma once

#include <boost/json/object.hpp>

namespace mini::cluster::scheduler::plugins {

/// One matchExpressions / matchFields requirement against a label or field map: In, NotIn,
/// Exists, DoesNotExist, and Gt / Lt (integers; a value that is not one never matches).
bool RequirementMatches(const boost::json::object& requirement, const boost::json::object& values);

/// A NodeSelector: true when any term matches; a term matches when all its expressions
/// match the node's labels and all its fields match {metadata.name}. A term with neither
/// matches nothing, as does an empty term list.
bool NodeSelectorMatches(const boost::json::object& selector, const boost::json::object& node);

/// spec.nodeSelector (every label equal) and
/// spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.
bool PodMatchesNode(const boost::json::object& pod, const boost::json::object& node);

}  // namespace mini::cluster::scheduler::plugins
