#include "cluster/registry/apps/controllerrevision.h"
#include "cluster/registry/apps/daemonset.h"
#include "cluster/registry/apps/deployment.h"
#include "cluster/registry/apps/replicaset.h"
#include "cluster/registry/apps/statefulset.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::apps {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "deployments") return NewDeploymentStrategy();
  if (resource == "replicasets") return NewReplicaSetStrategy();
  if (resource == "statefulsets") return NewStatefulSetStrategy();
  if (resource == "daemonsets") return NewDaemonSetStrategy();
  if (resource == "controllerrevisions") return NewControllerRevisionStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::apps
