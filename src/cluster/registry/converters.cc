// The one list of resources stored in another resource's form (see converter.h).
#include <map>
#include <tuple>

#include "cluster/registry/autoscaling/v1_conversion.h"
#include "cluster/registry/converter.h"
#include "cluster/registry/events/event_conversion.h"

namespace mini::cluster::registry {

std::unique_ptr<Converter> NewConverter(const std::string& group, const std::string& version,
                                        const std::string& resource) {
  using Factory = std::unique_ptr<Converter> (*)();
  static const std::map<std::tuple<std::string, std::string, std::string>, Factory> kConverters = {
      {{"events.k8s.io", "v1", "events"}, &events::NewEventConverter},
      {{"autoscaling", "v1", "horizontalpodautoscalers"}, &autoscaling::NewAutoscalerV1Converter},
  };
  auto it = kConverters.find({group, version, resource});
  return it == kConverters.end() ? nullptr : it->second();
}

}  // namespace mini::cluster::registry
