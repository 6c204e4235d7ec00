// What the ServiceAccount admission step adds to a new pod on a real cluster: a projected
// volume "kube-api-access-XXXXX" (a bound token for the pod's ServiceAccount, the cluster's
// CA from kube-root-ca.crt, the namespace) mounted read-only into every container at
// /var/run/secrets/kubernetes.io/serviceaccount, where in-cluster clients look for them.
#pragma once

#include <boost/json/object.hpp>

namespace mini::cluster::registry::core {

/// Adds the volume and its mounts to a pod spec being created, unless the pod opts out
/// (automountServiceAccountToken: false) or already mounts something at that path.
void AddServiceAccountVolume(boost::json::object& spec);

}  // namespace mini::cluster::registry::core
