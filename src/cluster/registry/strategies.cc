// The one list of kinds with their own strategy, by API group. Each group's folder answers for
// its resources and returns nullptr for the ones it leaves to the default strategy. A second
// list names the served versions that differ from the stored one.
#include <tuple>

#include "cluster/registry/autoscaling/horizontalpodautoscaler_v1.h"
#include "cluster/registry/groups.h"
#include "cluster/registry/strategy.h"

namespace mini::cluster::registry {

std::unique_ptr<Strategy> NewStrategy(const std::string& group, const std::string& resource,
                                      const StrategyContext& context) {
  using Factory = std::unique_ptr<Strategy> (*)(const std::string&, const StrategyContext&);
  static const std::map<std::string, Factory, std::less<>> kGroups = {
      {"", &core::NewStrategy},
      {"apps", &apps::NewStrategy},
      {"batch", &batch::NewStrategy},
      {"networking.k8s.io", &networking::NewStrategy},
      {"storage.k8s.io", &storage::NewStrategy},
      {"coordination.k8s.io", &coordination::NewStrategy},
      {"discovery.k8s.io", &discovery::NewStrategy},
      {"events.k8s.io", &events::NewStrategy},
      {"policy", &policy::NewStrategy},
      {"rbac.authorization.k8s.io", &rbac::NewStrategy},
      {"scheduling.k8s.io", &scheduling::NewStrategy},
      {"autoscaling", &autoscaling::NewStrategy},
  };
  auto it = kGroups.find(group);
  std::unique_ptr<Strategy> strategy =
      it == kGroups.end() ? nullptr : it->second(resource, context);
  return strategy ? std::move(strategy) : DefaultStrategy();
}

std::unique_ptr<Strategy> NewStrategy(const std::string& group, const std::string& version,
                                      const std::string& resource, const StrategyContext& context) {
  // Versions whose objects need converting before the stored version's rules apply to them.
  using Factory = std::unique_ptr<Strategy> (*)();
  static const std::map<std::tuple<std::string, std::string, std::string>, Factory> kVersions = {
      {{"autoscaling", "v1", "horizontalpodautoscalers"},
       &autoscaling::NewHorizontalPodAutoscalerV1Strategy},
  };
  auto it = kVersions.find({group, version, resource});
  return it == kVersions.end() ? NewStrategy(group, resource, context) : it->second();
}

}  // namespace mini::cluster::registry
