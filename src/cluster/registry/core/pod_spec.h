// PodSpec rules shared by every kind that carries a pod template (Pod itself, Deployments,
// ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers, PodTemplates).
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::core {

/// Defaults a PodSpec as a real cluster does: restartPolicy Always (or the given one),
/// dnsPolicy ClusterFirst, schedulerName default-scheduler, terminationGracePeriodSeconds 30,
/// securityContext {}, and per container imagePullPolicy (Always for :latest or no tag,
/// otherwise IfNotPresent), terminationMessagePath /dev/termination-log,
/// terminationMessagePolicy File, port protocol TCP, probe defaults, and so on. Idempotent.
/// What only a Pod gets (enableServiceLinks, priority, requests from limits) is the Pod
/// strategy's, because a real cluster shows none of it in Deployment templates.
void DefaultPodSpec(boost::json::object& spec);

/// Field errors of a PodSpec at `path` ("spec" for a Pod, "spec.template.spec" for a
/// Deployment): required containers with unique DNS-1123 label names and an image, valid ports,
/// volumes with unique names and exactly one source, known enum values, and so on.
void ValidatePodSpec(const boost::json::object& spec, const std::string& path, FieldErrors& errors);

/// Field errors of a PodTemplateSpec at `path` (its metadata labels and its spec). As upstream,
/// label errors name "<path>.labels" and ephemeral containers are refused.
void ValidatePodTemplate(const boost::json::object& tmpl, const std::string& path,
                         FieldErrors& errors);

/// ValidatePodSpec with the stricter rules upstream applies only to a Pod itself, not to a
/// template (image without surrounding blanks, hostPort equal to containerPort on hostNetwork).
void ValidatePodSpecOfPod(const boost::json::object& spec, FieldErrors& errors);

}  // namespace mini::cluster::registry::core
