// The registry logins a pod's imagePullSecrets provide, read as the kubelet does at each pull:
// a Secret that is missing or holds no valid .dockerconfigjson is logged and skipped, so the
// pull goes on (anonymously, if need be) and the registry's refusal is what the pod shows.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/kubelet/pods/config_source.h"
#include "cluster/runtime/image/pull_policy.h"

namespace mini::cluster::kubelet::pods {

/// Every credential of the Secrets spec.imagePullSecrets names, in their order; none without a
/// ConfigSource.
runtime::image::PullCredentials PullCredentialsFor(const boost::json::object& pod,
                                                   ConfigSource* config);

}  // namespace mini::cluster::kubelet::pods
