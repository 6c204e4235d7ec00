// The API objects the scheduler writes for a decision: the Binding, and the PodScheduled
// condition of a pod that fits nowhere, shaped as kube-scheduler's.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mini::cluster::scheduler {

/// The Binding that assigns `pod` to `node`.
boost::json::object MakeBinding(const boost::json::object& pod, std::string_view node);

/// The merge patch of pods/status setting PodScheduled False / Unschedulable with `message`,
/// keeping the pod's other conditions; nullopt when the pod already says exactly that.
std::optional<boost::json::object> UnschedulablePatch(const boost::json::object& pod,
                                                      std::string_view message,
                                                      std::chrono::system_clock::time_point now);

}  // namespace mini::cluster::scheduler
