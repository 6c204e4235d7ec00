// The API objects the scheduler writes besides the binding: its core/v1 Events (Scheduled,
// FailedScheduling) and the PodScheduled condition, shaped as kube-scheduler's.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mini::cluster::scheduler {

struct EventSpec {
  std::string_view type;    // "Normal" or "Warning"
  std::string_view reason;  // "Scheduled"
  std::string_view action;  // "Binding"
  std::string message;
};

/// An Event about `pod` from "default-scheduler", reported by `instance`
/// ("default-scheduler-<host>"), at `now`.
boost::json::object MakeEvent(const boost::json::object& pod, const EventSpec& spec,
                              std::string_view instance, std::chrono::system_clock::time_point now);

/// The Binding that assigns `pod` to `node`.
boost::json::object MakeBinding(const boost::json::object& pod, std::string_view node);

/// The merge patch of pods/status setting PodScheduled False / Unschedulable with `message`,
/// keeping the pod's other conditions; nullopt when the pod already says exactly that.
std::optional<boost::json::object> UnschedulablePatch(const boost::json::object& pod,
                                                      std::string_view message,
                                                      std::chrono::system_clock::time_point now);

}  // namespace mini::cluster::scheduler
