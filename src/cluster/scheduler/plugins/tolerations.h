// Taint and toleration matching, shared by the filters that honour taints.
#pragma once

#include <boost/json/object.hpp>

namespace mini::cluster::scheduler::plugins {

/// Whether one toleration tolerates one taint: the effect and key match when the toleration
/// sets them (an empty key with Exists matches every key), and the value equals unless the
/// operator is Exists.
bool Tolerates(const boost::json::object& toleration, const boost::json::object& taint);
/// Whether any of the pod's spec.tolerations tolerates `taint`.
bool PodTolerates(const boost::json::object& pod, const boost::json::object& taint);

}  // namespace mini::cluster::scheduler::plugins
