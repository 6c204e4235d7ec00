#include "cluster/registry/core/node.h"

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr const char* kRolePrefix = "node-role.kubernetes.io/";

std::string NodeStatus(const json::object& node) {
  std::string status = "Unknown";
  const json::array* conditions =
      ObjectAt(node, "status") ? ArrayField(*ObjectAt(node, "status"), "conditions") : nullptr;
  for (size_t i = 0; conditions && i < conditions->size(); ++i) {
    if (!(*conditions)[i].is_object()) continue;
    const json::object& condition = (*conditions)[i].get_object();
    if (StringField(condition, "type") != "Ready") continue;
    status = StringField(condition, "status") == "True" ? "Ready" : "NotReady";
  }
  if (ObjectAt(node, "spec") && BoolField(*ObjectAt(node, "spec"), "unschedulable")) {
    status += ",SchedulingDisabled";
  }
  return status;
}

std::string Roles(const json::object& node) {
  std::set<std::string> roles;
  if (const json::object* labels = ObjectAt(node, "metadata.labels")) {
    for (const auto& [key, value] : *labels) {
      std::string_view name = key;
      if (name.rfind(kRolePrefix, 0) == 0 && name.size() > std::string_view(kRolePrefix).size()) {
        roles.insert(std::string(name.substr(std::string_view(kRolePrefix).size())));
      } else if (name == "kubernetes.io/role" && value.is_string() && !value.get_string().empty()) {
        roles.insert(std::string(value.get_string()));
      }
    }
  }
  return JoinOrNone(std::vector<std::string>(roles.begin(), roles.end()));
}

std::string Address(const json::object& node, std::string_view type) {
  const json::object* status = ObjectField(node, "status");
  const json::array* addresses = status ? ArrayField(*status, "addresses") : nullptr;
  for (size_t i = 0; addresses && i < addresses->size(); ++i) {
    if ((*addresses)[i].is_object() && StringField((*addresses)[i].get_object(), "type") == type) {
      return StringField((*addresses)[i].get_object(), "address");
    }
  }
  return "<none>";
}

std::string OrUnknown(std::string value) { return value.empty() ? "<unknown>" : value; }

bool IsCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view ip = text.substr(0, slash);
  std::string_view bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 3) return false;
  int prefix = 0;
  for (char c : bits) {
    if (c < '0' || c > '9') return false;
    prefix = prefix * 10 + (c - '0');
  }
  return IsIPv4(ip) ? prefix <= 32 : (IsIP(ip) && prefix <= 128);
}

void ValidateTaints(const json::array& taints, FieldErrors& errors) {
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < taints.size(); ++i) {
    if (!taints[i].is_object()) continue;
    const json::object& taint = taints[i].get_object();
    // Upstream files taint errors under metadata; kept so messages read the same.
    std::string at = Index("metadata.taints", i);
    std::string key = StringField(taint, "key");
    ValidateQualifiedName(key, Child(at, "key"), errors);
    std::string value = StringField(taint, "value");
    std::vector<std::string> problems = mini::api::meta::IsValidLabelValue(value);
    if (!problems.empty()) {
      std::string joined;
      for (const std::string& problem : problems) joined += (joined.empty() ? "" : ";") + problem;
      errors.push_back(Invalid(Child(at, "value"), json::string(value), joined));
    }
    std::string effect = StringField(taint, "effect");
    if (effect.empty()) {
      errors.push_back(Required(Child(at, "effect")));
    } else if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      errors.push_back(NotSupported(Child(at, "effect"), json::string(effect),
                                    {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
    if (!seen.insert({key, effect}).second) {
      FieldError duplicate = Duplicate(at, taint);
      duplicate.detail = "taints must be unique by key and effect pair";
      errors.push_back(std::move(duplicate));
    }
  }
}

void ValidateResources(const json::object& node, FieldErrors& errors) {
  const json::object* status = ObjectField(node, "status");
  if (status == nullptr) return;
  for (const char* list : {"capacity", "allocatable"}) {
    const json::object* resources = ObjectField(*status, list);
    if (resources == nullptr) continue;
    for (const auto& [name, value] : *resources) {
      std::string path = Child(Child("status", list), name);
      std::optional<Quantity> quantity = QuantityOf(value);
      if (!quantity) {
        errors.push_back(Invalid(path, value, kQuantityRegexError));
      } else if (quantity->nanos < 0) {
        errors.push_back(Invalid(path, json::string(FormatQuantity(*quantity)),
                                 "must be greater than or equal to 0"));
      }
    }
  }
}

class NodeStrategy : public Strategy {
 public:
  // The kubelet registers a node together with its status, so nothing is reset.
  void PrepareForCreate(json::object&) const override {}

  void Default(json::object& object) const override {
    json::value* status = object.if_contains("status");
    if (status == nullptr || !status->is_object()) return;
    json::object& fields = status->get_object();
    if (!fields.contains("allocatable") && fields.contains("capacity")) {
      json::value capacity = fields["capacity"];  // a copy: the insert below may rehash
      fields["allocatable"] = std::move(capacity);
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* spec = ObjectField(object, "spec");
    if (spec) {
      if (const json::array* taints = ArrayField(*spec, "taints")) ValidateTaints(*taints, errors);
      if (const json::array* cidrs = ArrayField(*spec, "podCIDRs")) {
        for (size_t i = 0; i < cidrs->size(); ++i) {
          std::string cidr = (*cidrs)[i].is_string() ? std::string((*cidrs)[i].get_string()) : "";
          if (!IsCidr(cidr)) {
            errors.push_back(Invalid(Index("spec.podCIDRs", i), json::string(cidr),
                                     "must be a valid CIDR value, (e.g. 10.9.8.0/24 or "
                                     "2001:db8::/64)"));
          }
        }
      }
    }
    ValidateResources(object, errors);
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object* old_ptr = ObjectField(old, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::object& old_spec = old_ptr ? *old_ptr : kEmpty;
    const json::array* old_cidrs = ArrayField(old_spec, "podCIDRs");
    if (old_cidrs && !old_cidrs->empty()) {
      const json::array* cidrs = ArrayField(spec, "podCIDRs");
      if (cidrs == nullptr || *cidrs != *old_cidrs) {
        errors.push_back(Forbidden(
            "spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
      }
    }
    std::string provider = StringField(old_spec, "providerID");
    if (!provider.empty() && provider != StringField(spec, "providerID")) {
      errors.push_back(Forbidden("spec.providerID",
                                 "node updates may not change providerID except from \"\" to "
                                 "valid"));
    }
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    const json::object* spec = ObjectField(object, "spec");
    return {{"spec.unschedulable", spec && BoolField(*spec, "unschedulable") ? "true" : "false"}};
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique.", 0},
            {"Status", "string", "", "The status of the node", 0},
            {"Roles", "string", "", "The roles of the node", 0},
            {"Age", "string", "", "Time since the node registered.", 0},
            {"Version", "string", "", "The kubelet version.", 0},
            {"Internal-IP", "string", "", "The node's address inside the cluster.", 1},
            {"External-IP", "string", "", "The node's address from outside the cluster.", 1},
            {"OS-Image", "string", "", "The operating system the node reports.", 1},
            {"Kernel-Version", "string", "", "The node's kernel version.", 1},
            {"Container-Runtime", "string", "", "The container runtime and its version.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(NodeStatus(object)),
            json::string(Roles(object)),
            json::string(Age(object, now)),
            json::string(StringAt(object, "status.nodeInfo.kubeletVersion")),
            json::string(Address(object, "InternalIP")),
            json::string(Address(object, "ExternalIP")),
            json::string(OrUnknown(StringAt(object, "status.nodeInfo.osImage"))),
            json::string(OrUnknown(StringAt(object, "status.nodeInfo.kernelVersion"))),
            json::string(OrUnknown(StringAt(object, "status.nodeInfo.containerRuntimeVersion")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewNodeStrategy(const StrategyContext&) {
  return std::make_unique<NodeStrategy>();
}

}  // namespace mini::cluster::registry::core
