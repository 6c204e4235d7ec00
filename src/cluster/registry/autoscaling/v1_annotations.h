// What autoscaling/v1 keeps in annotations because its HorizontalPodAutoscaler has no field for
// it: the metrics other than a CPU utilization target, the scaling behavior, the conditions and
// the measured metrics. Kubernetes writes them in these forms, so objects moved between
// clusters or read by older tools keep their meaning:
//   metrics, current-metrics  JSON arrays of the v1 MetricSpec / MetricStatus (the v2beta1-style
//                             flat form: metricName, targetAverageValue, currentValue...);
//   behavior                  the v2 behavior with Go's field names (ScaleUp, Policies, ...),
//                             read back with any letter case, as Go's JSON decoder does;
//   conditions                the v2 conditions as they are (both versions spell them alike).
// Fields absent from the v2 object are left out of the v1 forms rather than written as zero, so
// they come back absent.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

namespace mini::cluster::registry::autoscaling {

inline constexpr std::string_view kMetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
inline constexpr std::string_view kBehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
inline constexpr std::string_view kConditionsAnnotation =
    "autoscaling.alpha.kubernetes.io/conditions";
inline constexpr std::string_view kCurrentMetricsAnnotation =
    "autoscaling.alpha.kubernetes.io/current-metrics";
inline constexpr std::string_view kRoundTripAnnotations[] = {
    kMetricsAnnotation, kBehaviorAnnotation, kConditionsAnnotation, kCurrentMetricsAnnotation};

/// Removes the four annotations from an autoscaler's metadata. Only the conversion to v1 writes
/// them: a v2 object has the fields themselves, and a v1 one gets fresh copies from its v2 form.
void DropRoundTripAnnotations(boost::json::object& autoscaler);

/// One autoscaling/v2 MetricSpec in the v1 annotation form, and back (the target type, which
/// the v1 form leaves implicit, follows from the values present).
boost::json::object MetricSpecToV1(const boost::json::object& metric);
boost::json::object MetricSpecFromV1(const boost::json::object& metric);
/// The same for a MetricStatus.
boost::json::object MetricStatusToV1(const boost::json::object& status);
boost::json::object MetricStatusFromV1(const boost::json::object& status);

/// spec.behavior under Go's field names, and back; nullopt when the text is not a behavior
/// with at least one direction (Kubernetes ignores such an annotation).
boost::json::object BehaviorToGo(const boost::json::object& behavior);
std::optional<boost::json::object> BehaviorFromGo(std::string_view text);

/// The array an annotation holds, with objects only; nullopt when it is not that.
std::optional<boost::json::array> ObjectArray(std::string_view text);

}  // namespace mini::cluster::registry::autoscaling
