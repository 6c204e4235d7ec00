#include "cluster/scheduler/plugins/tolerations.h"

#include <boost/json.hpp>

#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler::plugins {
namespace json = boost::json;
using registry::StringAt;

bool Tolerates(const json::object& toleration, const json::object& taint) {
  std::string effect = StringAt(toleration, "effect");
  if (!effect.empty() && effect != StringAt(taint, "effect")) {
    return false;
  }
  std::string key = StringAt(toleration, "key");
  if (!key.empty() && key != StringAt(taint, "key")) {
    return false;
  }
  std::string op = StringAt(toleration, "operator");
  if (op.empty() || op == "Equal") {
    return StringAt(toleration, "value") == StringAt(taint, "value");
  }
  return op == "Exists";
}

bool PodTolerates(const json::object& pod, const json::object& taint) {
  const json::object* spec = registry::ObjectAt(pod, "spec");
  const json::value* tolerations = spec != nullptr ? spec->if_contains("tolerations") : nullptr;
  if (tolerations == nullptr || !tolerations->is_array()) {
    return false;
  }
  for (const json::value& toleration : tolerations->get_array()) {
    if (toleration.is_object() && Tolerates(toleration.get_object(), taint)) {
      return true;
    }
  }
  return false;
}

}  // namespace mini::cluster::scheduler::plugins
