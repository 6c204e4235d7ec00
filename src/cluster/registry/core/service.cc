#include "cluster/registry/core/service.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/service_alloc.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr const char* kOnlyLoadBalancer = "may only be used when `type` is 'LoadBalancer'";

bool ExternallyAccessible(const json::object& spec) {
  std::string type = StringField(spec, "type");
  const json::array* external = ArrayField(spec, "externalIPs");
  return type == "LoadBalancer" || type == "NodePort" ||
         (type == "ClusterIP" && external && !external->empty());
}

bool IsHeadless(const json::object& spec) {
  const json::array* ips = ArrayField(spec, "clusterIPs");
  return ips && ips->size() == 1 && (*ips)[0] == "None";
}

// Go's %#v of a core.ServicePort key, which upstream prints for duplicate ports.
std::string GoServicePortKey(const std::string& protocol, int64_t port) {
  return fmt::format(
      "core.ServicePort{{Name:\"\", Protocol:\"{}\", AppProtocol:(*string)(nil), Port:{}, "
      "TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
      protocol, port);
}

void ValidatePort(const json::object& port, bool require_name, std::set<std::string>& names,
                  const std::string& path, FieldErrors& errors) {
  std::string name = StringField(port, "name");
  if (require_name && name.empty()) {
    errors.push_back(Required(Child(path, "name")));
  } else if (!name.empty()) {
    ValidateDns1123Label(name, Child(path, "name"), errors);
    if (!names.insert(name).second) {
      errors.push_back(Duplicate(Child(path, "name"), json::string(name)));
    }
  }
  int64_t number = 0;
  IntField(port, "port", number);
  AddInvalid(errors, Child(path, "port"), number, IsValidPortNum(number));
  std::string protocol = StringField(port, "protocol");
  if (protocol.empty()) {
    errors.push_back(Required(Child(path, "protocol")));
  } else if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
    errors.push_back(
        NotSupported(Child(path, "protocol"), json::string(protocol), {"SCTP", "TCP", "UDP"}));
  }
  const json::value* target = port.if_contains("targetPort");
  ValidatePortNumOrName(target ? *target : json::value(0), Child(path, "targetPort"), errors);
  if (const json::value* app = port.if_contains("appProtocol"); app && app->is_string()) {
    ValidateQualifiedName(app->get_string(), Child(path, "appProtocol"), errors);
  }
}

FieldErrors ValidateService(const json::object& service) {
  FieldErrors errors;
  static const json::object kEmpty;
  const json::object* spec_ptr = ObjectField(service, "spec");
  const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
  std::string type = StringField(spec, "type");
  const json::array* ports = ArrayField(spec, "ports");
  const json::array* cluster_ips = ArrayField(spec, "clusterIPs");
  bool headless = IsHeadless(spec);

  if ((ports == nullptr || ports->empty()) && !headless && type != "ExternalName") {
    errors.push_back(Required("spec.ports"));
  }
  if ((type == "LoadBalancer" || type == "NodePort") && headless) {
    errors.push_back(Invalid("spec.clusterIPs[0]", "None",
                             fmt::format("may not be set to 'None' for {} services", type)));
  }
  if (type == "ExternalName") {
    if (cluster_ips && !cluster_ips->empty()) {
      errors.push_back(Forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    }
    const json::array* families = ArrayField(spec, "ipFamilies");
    if (families && !families->empty()) {
      errors.push_back(Forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    }
    if (spec.contains("ipFamilyPolicy") && !spec.at("ipFamilyPolicy").is_null()) {
      errors.push_back(
          Forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    }
    std::string cname = StringField(spec, "externalName");
    if (!cname.empty() && cname.back() == '.') cname.pop_back();
    if (cname.empty()) {
      errors.push_back(Required("spec.externalName"));
    } else {
      ValidateDns1123Subdomain(cname, "spec.externalName", errors);
    }
  }

  if (ports) {
    std::set<std::string> names;
    for (size_t i = 0; i < ports->size(); ++i) {
      if ((*ports)[i].is_object()) {
        ValidatePort((*ports)[i].get_object(), ports->size() > 1, names, Index("spec.ports", i),
                     errors);
      }
    }
  }
  ValidateLabels(ObjectField(spec, "selector"), "spec.selector", errors);

  std::string affinity = StringField(spec, "sessionAffinity");
  if (affinity.empty()) {
    errors.push_back(Required("spec.sessionAffinity"));
  } else if (affinity != "ClientIP" && affinity != "None") {
    errors.push_back(
        NotSupported("spec.sessionAffinity", json::string(affinity), {"ClientIP", "None"}));
  }
  if (affinity == "None" && ObjectField(spec, "sessionAffinityConfig")) {
    errors.push_back(
        Forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }

  if (type != "ExternalName") {
    std::string cluster_ip = StringField(spec, "clusterIP");
    if (!cluster_ip.empty()) {
      if (cluster_ips == nullptr || cluster_ips->empty()) {
        errors.push_back(Required("spec.clusterIPs"));
      } else if ((*cluster_ips)[0] != json::value(cluster_ip)) {
        errors.push_back(
            Invalid("spec.clusterIPs", *cluster_ips, "first value must match `clusterIP`"));
      }
    } else if (cluster_ips && !cluster_ips->empty()) {
      errors.push_back(Invalid("spec.clusterIPs", *cluster_ips,
                               "must be empty when `clusterIP` is not specified"));
    }
    if (const json::array* families = ArrayField(spec, "ipFamilies")) {
      std::set<std::string> seen;
      for (size_t i = 0; i < families->size(); ++i) {
        std::string family =
            (*families)[i].is_string() ? std::string((*families)[i].get_string()) : "";
        if (family != "IPv4" && family != "IPv6") {
          errors.push_back(
              NotSupported(Index("spec.ipFamilies", i), json::string(family), {"IPv4", "IPv6"}));
        }
        if (!seen.insert(family).second) {
          errors.push_back(Duplicate(Index("spec.ipFamilies", i), json::string(family)));
        }
      }
    }
    if (const json::value* policy = spec.if_contains("ipFamilyPolicy");
        policy && !policy->is_null()) {
      std::string value = policy->is_string() ? std::string(policy->get_string()) : "";
      if (value != "SingleStack" && value != "PreferDualStack" && value != "RequireDualStack") {
        errors.push_back(NotSupported("spec.ipFamilyPolicy", json::string(value),
                                      {"PreferDualStack", "RequireDualStack", "SingleStack"}));
      }
    }
    if (cluster_ips) {
      for (size_t i = 0; i < cluster_ips->size(); ++i) {
        std::string ip =
            (*cluster_ips)[i].is_string() ? std::string((*cluster_ips)[i].get_string()) : "";
        if (i == 0 && ip == "None") {
          if (cluster_ips->size() > 1) {
            errors.push_back(Invalid("spec.clusterIPs", *cluster_ips,
                                     "'None' must be the first and only value"));
          }
          continue;
        }
        if (!IsIP(ip)) {
          errors.push_back(
              Invalid(Index("spec.clusterIPs", i), json::string(ip),
                      "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
      }
      if (cluster_ips->size() > 2) {
        errors.push_back(Invalid("spec.clusterIPs", *cluster_ips, "may only hold up to 2 values"));
      }
    }
  }

  if (const json::array* external = ArrayField(spec, "externalIPs")) {
    for (size_t i = 0; i < external->size(); ++i) {
      std::string ip = (*external)[i].is_string() ? std::string((*external)[i].get_string()) : "";
      if (!IsIP(ip)) {
        errors.push_back(Invalid(Index("spec.externalIPs", i), json::string(ip),
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      }
    }
  }

  if (type.empty()) {
    errors.push_back(Required("spec.type"));
  } else if (type != "ClusterIP" && type != "NodePort" && type != "LoadBalancer" &&
             type != "ExternalName") {
    errors.push_back(NotSupported("spec.type", json::string(type),
                                  {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}));
  }

  if (ports) {
    std::set<std::pair<std::string, int64_t>> node_ports;
    std::set<std::pair<std::string, int64_t>> service_ports;
    for (size_t i = 0; i < ports->size(); ++i) {
      if (!(*ports)[i].is_object()) continue;
      const json::object& port = (*ports)[i].get_object();
      std::string at = Index("spec.ports", i);
      std::string protocol = StringField(port, "protocol");
      int64_t node_port = 0;
      IntField(port, "nodePort", node_port);
      if (type == "ClusterIP" && node_port != 0) {
        errors.push_back(
            Forbidden(Child(at, "nodePort"), "may not be used when `type` is 'ClusterIP'"));
      }
      if (node_port != 0 && !node_ports.insert({protocol, node_port}).second) {
        errors.push_back(Duplicate(Child(at, "nodePort"), node_port));
      }
      int64_t number = 0;
      IntField(port, "port", number);
      if (!service_ports.insert({protocol, number}).second) {
        FieldError duplicate = Duplicate(at, nullptr);
        duplicate.value_text = GoServicePortKey(protocol, number);
        errors.push_back(std::move(duplicate));
      }
    }
  }

  const json::array* ranges = ArrayField(spec, "loadBalancerSourceRanges");
  if (ranges && !ranges->empty() && type != "LoadBalancer") {
    errors.push_back(Forbidden("spec.LoadBalancerSourceRanges", kOnlyLoadBalancer));
  }
  bool has_allocate = spec.contains("allocateLoadBalancerNodePorts") &&
                      !spec.at("allocateLoadBalancerNodePorts").is_null();
  if (has_allocate && type != "LoadBalancer") {
    errors.push_back(Forbidden("spec.allocateLoadBalancerNodePorts", kOnlyLoadBalancer));
  }
  if (type == "LoadBalancer" && !has_allocate) {
    errors.push_back(Required("allocateLoadBalancerNodePorts"));
  }
  if (spec.contains("loadBalancerClass") && !spec.at("loadBalancerClass").is_null()) {
    if (type == "LoadBalancer") {
      ValidateQualifiedName(StringField(spec, "loadBalancerClass"), "spec.loadBalancerClass",
                            errors);
    } else {
      errors.push_back(Forbidden("spec.loadBalancerClass", kOnlyLoadBalancer));
    }
  }

  std::string external_policy = StringField(spec, "externalTrafficPolicy");
  if (!ExternallyAccessible(spec)) {
    if (!external_policy.empty()) {
      errors.push_back(Invalid("spec.externalTrafficPolicy", json::string(external_policy),
                               "may only be set for externally-accessible services"));
    }
  } else if (external_policy.empty()) {
    errors.push_back(Required("spec.externalTrafficPolicy"));
  } else if (external_policy != "Cluster" && external_policy != "Local") {
    errors.push_back(NotSupported("spec.externalTrafficPolicy", json::string(external_policy),
                                  {"Cluster", "Local"}));
  }
  int64_t health = 0;
  bool needs_health = type == "LoadBalancer" && external_policy == "Local";
  if (IntField(spec, "healthCheckNodePort", health) && health != 0) {
    if (!needs_health) {
      errors.push_back(Invalid("spec.healthCheckNodePort", health,
                               "may only be set when `type` is 'LoadBalancer' and "
                               "`externalTrafficPolicy` is 'Local'"));
    } else {
      AddInvalid(errors, "spec.healthCheckNodePort", health, IsValidPortNum(health));
    }
  }

  const json::value* internal = spec.if_contains("internalTrafficPolicy");
  if (internal == nullptr || internal->is_null()) {
    if (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP") {
      errors.push_back(Required("spec.internalTrafficPolicy"));
    }
  } else {
    std::string value = internal->is_string() ? std::string(internal->get_string()) : "";
    if (value != "Cluster" && value != "Local") {
      errors.push_back(
          NotSupported("spec.internalTrafficPolicy", json::string(value), {"Cluster", "Local"}));
    }
  }
  return errors;
}

std::string ExternalIp(const json::object& service) {
  static const json::object kEmpty;
  const json::object* spec_ptr = ObjectField(service, "spec");
  const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
  std::vector<std::string> external;
  if (const json::array* ips = ArrayField(spec, "externalIPs")) {
    for (const json::value& ip : *ips) {
      if (ip.is_string()) external.emplace_back(ip.get_string());
    }
  }
  std::string type = StringField(spec, "type");
  if (type == "ClusterIP" || type == "NodePort") return JoinOrNone(external);
  if (type == "ExternalName") return StringField(spec, "externalName");
  if (type != "LoadBalancer") return "<unknown>";
  std::set<std::string> ingress;
  if (const json::object* status = ObjectField(service, "status")) {
    const json::object* balancer = ObjectField(*status, "loadBalancer");
    const json::array* points = balancer ? ArrayField(*balancer, "ingress") : nullptr;
    for (size_t i = 0; points && i < points->size(); ++i) {
      if (!(*points)[i].is_object()) continue;
      std::string ip = StringField((*points)[i].get_object(), "ip");
      std::string host = StringField((*points)[i].get_object(), "hostname");
      if (!ip.empty()) {
        ingress.insert(ip);
      } else if (!host.empty()) {
        ingress.insert(host);
      }
    }
  }
  std::vector<std::string> all(ingress.begin(), ingress.end());
  all.insert(all.end(), external.begin(), external.end());
  return all.empty() ? "<pending>" : JoinOrNone(all);
}

std::string PortsCell(const json::object& spec) {
  std::vector<std::string> pieces;
  if (const json::array* ports = ArrayField(spec, "ports")) {
    for (const json::value& value : *ports) {
      if (!value.is_object()) continue;
      int64_t port = 0;
      int64_t node_port = 0;
      IntField(value.get_object(), "port", port);
      IntField(value.get_object(), "nodePort", node_port);
      std::string protocol = StringField(value.get_object(), "protocol");
      pieces.push_back(node_port > 0 ? fmt::format("{}:{}/{}", port, node_port, protocol)
                                     : fmt::format("{}/{}", port, protocol));
    }
  }
  return JoinOrNone(pieces);
}

class ServiceStrategy : public Strategy {
 public:
  explicit ServiceStrategy(const StrategyContext& context)
      : allocator_(std::make_shared<ServiceAllocator>(context)) {}

  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    object["status"] = json::object{{"loadBalancer", json::object()}};
  }

  void PrepareForUpdate(json::object& object, const json::object& old) const override {
    Strategy::PrepareForUpdate(object, old);
    const json::object* old_spec = ObjectField(old, "spec");
    json::value* spec_value = object.if_contains("spec");
    if (old_spec == nullptr || spec_value == nullptr || !spec_value->is_object()) return;
    json::object& spec = spec_value->get_object();
    std::string type = StringField(spec, "type", "ClusterIP");
    std::string old_type = StringField(*old_spec, "type", "ClusterIP");
    // Clients that resend a manifest leave out what the server allocated: keep it.
    if (type != "ExternalName" && old_type != "ExternalName" &&
        StringField(spec, "clusterIP").empty() && !StringField(*old_spec, "clusterIP").empty()) {
      for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
        if (const json::value* value = old_spec->if_contains(field);
            value && (!spec.contains(field) || spec[field].is_null() ||
                      (spec[field].is_array() && spec[field].get_array().empty()))) {
          spec[field] = *value;
        }
      }
    }
    // Changing to ExternalName releases the cluster IP unless the client set one anew.
    if (type == "ExternalName" && old_type != "ExternalName") {
      for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
        const json::value* before = old_spec->if_contains(field);
        const json::value* after = spec.if_contains(field);
        if (after && before && *after == *before) spec.erase(field);
      }
    }
    bool wants_node_ports = type == "NodePort" || type == "LoadBalancer";
    const json::array* old_ports = ArrayField(*old_spec, "ports");
    json::value* ports = spec.if_contains("ports");
    if (ports && ports->is_array() && old_ports) {
      for (json::value& port : ports->get_array()) {
        if (!port.is_object()) continue;
        json::object& entry = port.get_object();
        int64_t node_port = 0;
        IntField(entry, "nodePort", node_port);
        for (const json::value& before : *old_ports) {
          if (!before.is_object()) continue;
          int64_t old_node_port = 0;
          int64_t number = 0;
          int64_t old_number = 0;
          IntField(before.get_object(), "nodePort", old_node_port);
          IntField(entry, "port", number);
          IntField(before.get_object(), "port", old_number);
          bool same =
              number == old_number && StringField(entry, "protocol", "TCP") ==
                                          StringField(before.get_object(), "protocol", "TCP");
          if (!same) continue;
          if (wants_node_ports && node_port == 0 && old_node_port != 0) {
            entry["nodePort"] = old_node_port;
          } else if (!wants_node_ports && node_port == old_node_port) {
            entry.erase("nodePort");
          }
        }
      }
    }
    int64_t health = 0;
    if (IntField(*old_spec, "healthCheckNodePort", health) && health != 0 &&
        type == "LoadBalancer" && StringField(spec, "externalTrafficPolicy") == "Local" &&
        !spec.contains("healthCheckNodePort")) {
      spec["healthCheckNodePort"] = health;
    }
  }

  void Default(json::object& object) const override {
    json::object& spec = EnsureObject(object, "spec");
    DefaultString(spec, "sessionAffinity", "None");
    if (StringField(spec, "sessionAffinity") == "None") spec.erase("sessionAffinityConfig");
    if (StringField(spec, "sessionAffinity") == "ClientIP") {
      json::object& config = EnsureObject(spec, "sessionAffinityConfig");
      json::object& client = EnsureObject(config, "clientIP");
      if (!client.contains("timeoutSeconds")) client["timeoutSeconds"] = 10800;
    }
    DefaultString(spec, "type", "ClusterIP");
    if (json::value* ports = spec.if_contains("ports"); ports && ports->is_array()) {
      for (json::value& value : ports->get_array()) {
        if (!value.is_object()) continue;
        json::object& port = value.get_object();
        DefaultString(port, "protocol", "TCP");
        const json::value* target = port.if_contains("targetPort");
        bool unset = target == nullptr || target->is_null() ||
                     (target->is_string() && target->get_string().empty()) ||
                     (target->is_int64() && target->get_int64() == 0);
        if (unset) {
          json::value number = port.contains("port") ? port["port"] : json::value(0);
          port["targetPort"] = std::move(number);
        }
      }
    }
    if (ExternallyAccessible(spec)) DefaultString(spec, "externalTrafficPolicy", "Cluster");
    std::string type = StringField(spec, "type");
    if ((type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP") &&
        (!spec.contains("internalTrafficPolicy") || spec["internalTrafficPolicy"].is_null())) {
      spec["internalTrafficPolicy"] = "Cluster";
    }
    if (type == "LoadBalancer" && (!spec.contains("allocateLoadBalancerNodePorts") ||
                                   spec["allocateLoadBalancerNodePorts"].is_null())) {
      spec["allocateLoadBalancerNodePorts"] = true;
    }
    // clusterIP and clusterIPs say the same thing; a client may set either.
    std::string cluster_ip = StringField(spec, "clusterIP");
    const json::array* cluster_ips = ArrayField(spec, "clusterIPs");
    if (!cluster_ip.empty() && (cluster_ips == nullptr || cluster_ips->empty())) {
      spec["clusterIPs"] = json::array{json::string(cluster_ip)};
    } else if (cluster_ip.empty() && cluster_ips && !cluster_ips->empty() &&
               (*cluster_ips)[0].is_string()) {
      json::value first = (*cluster_ips)[0];  // a copy: the insert below may rehash
      spec["clusterIP"] = std::move(first);
    }
  }

  std::vector<std::string> ValidateName(std::string_view name) const override {
    return mini::api::meta::IsDns1035Label(name);
  }

  FieldErrors Validate(const json::object& object) const override {
    return ValidateService(object);
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object* old_ptr = ObjectField(old, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::object& old_spec = old_ptr ? *old_ptr : kEmpty;
    std::string type = StringField(spec, "type");
    std::string old_type = StringField(old_spec, "type");
    bool headless = IsHeadless(spec);
    bool old_headless = IsHeadless(old_spec);
    if (type != "ExternalName" && old_type != "ExternalName" && !(headless && old_headless)) {
      static const json::array kNone;
      const json::array* ips_ptr = ArrayField(spec, "clusterIPs");
      const json::array* old_ips_ptr = ArrayField(old_spec, "clusterIPs");
      const json::array& ips = ips_ptr ? *ips_ptr : kNone;
      const json::array& old_ips = old_ips_ptr ? *old_ips_ptr : kNone;
      auto changed = [&](size_t i) {
        FieldError error = Invalid(Index("spec.clusterIPs", i), ips, "may not change once set");
        errors.push_back(std::move(error));
      };
      if (ips.size() == old_ips.size()) {
        for (size_t i = 0; i < old_ips.size(); ++i) {
          if (old_ips[i] != ips[i]) changed(i);
        }
      } else if (old_ips.size() > ips.size()) {
        if (ips.empty()) {
          errors.push_back(
              Invalid("spec.clusterIPs[0]", ips, "primary clusterIP can not be unset"));
        } else if (ips[0] != old_ips[0]) {
          changed(0);
        }
      } else if (!old_ips.empty() && ips[0] != old_ips[0]) {
        changed(0);
      }
    }
    if (type == "LoadBalancer" && old_type == "LoadBalancer" &&
        StringField(spec, "loadBalancerClass") != StringField(old_spec, "loadBalancerClass")) {
      errors.push_back(Invalid(
          "spec.loadBalancerClass",
          spec.contains("loadBalancerClass") ? spec.at("loadBalancerClass") : json::value(nullptr),
          "may not change once set"));
    }
    FieldErrors rest = ValidateService(object);
    errors.insert(errors.end(), rest.begin(), rest.end());
    return errors;
  }

  Status BeforeCreate(json::object& object) const override {
    return allocator_->Allocate(object, nullptr);
  }

  Status BeforeUpdate(json::object& object, const json::object& old) const override {
    return allocator_->Allocate(object, &old);
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"spec.clusterIP", StringAt(object, "spec.clusterIP")},
            {"spec.type", StringAt(object, "spec.type")}};
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Type", "string", "", "How the Service is exposed.", 0},
            {"Cluster-IP", "string", "", "The virtual IP inside the cluster.", 0},
            {"External-IP", "string", "", "Addresses reachable from outside the cluster.", 0},
            {"Port(s)", "string", "", "The ports the Service exposes.", 0},
            {"Age", "string", "", "Time since the Service was created.", 0},
            {"Selector", "string", "", "Labels of the pods the Service routes to.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    std::string cluster_ip = "<none>";
    if (const json::array* ips = ArrayField(spec, "clusterIPs");
        ips && !ips->empty() && (*ips)[0].is_string()) {
      cluster_ip = std::string((*ips)[0].get_string());
    }
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringField(spec, "type")),
            json::string(cluster_ip),
            json::string(ExternalIp(object)),
            json::string(PortsCell(spec)),
            json::string(Age(object, now)),
            json::string(FormatLabels(ObjectField(spec, "selector")))};
  }

 private:
  // Shared so the strategy stays copyable-free and the mutex lives as long as it does.
  std::shared_ptr<ServiceAllocator> allocator_;
};

}  // namespace

std::unique_ptr<Strategy> NewServiceStrategy(const StrategyContext& context) {
  return std::make_unique<ServiceStrategy>(context);
}

}  // namespace mini::cluster::registry::core
