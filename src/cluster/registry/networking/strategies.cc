#include "cluster/registry/groups.h"
#include "cluster/registry/networking/ingress.h"
#include "cluster/registry/networking/ingressclass.h"
#include "cluster/registry/networking/networkpolicy.h"

namespace mini::cluster::registry::networking {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "ingresses") return NewIngressStrategy();
  if (resource == "ingressclasses") return NewIngressClassStrategy();
  if (resource == "networkpolicies") return NewNetworkPolicyStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::networking
