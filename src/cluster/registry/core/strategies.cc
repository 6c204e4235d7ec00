// The core group's kinds with behaviour of their own; the rest get the default strategy.
#include <map>

#include "cluster/registry/core/configmap.h"
#include "cluster/registry/core/endpoints.h"
#include "cluster/registry/core/event.h"
#include "cluster/registry/core/limitrange.h"
#include "cluster/registry/core/namespace.h"
#include "cluster/registry/core/node.h"
#include "cluster/registry/core/persistentvolume.h"
#include "cluster/registry/core/persistentvolumeclaim.h"
#include "cluster/registry/core/pod.h"
#include "cluster/registry/core/podtemplate.h"
#include "cluster/registry/core/replicationcontroller.h"
#include "cluster/registry/core/resourcequota.h"
#include "cluster/registry/core/secret.h"
#include "cluster/registry/core/service.h"
#include "cluster/registry/core/serviceaccount.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::core {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context) {
  using Factory = std::unique_ptr<Strategy> (*)(const StrategyContext&);
  static const std::map<std::string, Factory, std::less<>> kKinds = {
      {"configmaps", &NewConfigMapStrategy},
      {"endpoints", &NewEndpointsStrategy},
      {"events", &NewEventStrategy},
      {"limitranges", &NewLimitRangeStrategy},
      {"namespaces", &NewNamespaceStrategy},
      {"nodes", &NewNodeStrategy},
      {"persistentvolumeclaims", &NewPersistentVolumeClaimStrategy},
      {"persistentvolumes", &NewPersistentVolumeStrategy},
      {"pods", &NewPodStrategy},
      {"podtemplates", &NewPodTemplateStrategy},
      {"replicationcontrollers", &NewReplicationControllerStrategy},
      {"resourcequotas", &NewResourceQuotaStrategy},
      {"secrets", &NewSecretStrategy},
      {"serviceaccounts", &NewServiceAccountStrategy},
      {"services", &NewServiceStrategy},
  };
  auto it = kKinds.find(resource);
  return it == kKinds.end() ? nullptr : it->second(context);
}

}  // namespace mini::cluster::registry::core
