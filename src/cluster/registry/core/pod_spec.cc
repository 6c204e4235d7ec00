#include "cluster/registry/core/pod_spec.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec_parts.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
namespace meta = mini::api::meta;

namespace {

constexpr int64_t kMaxInt32 = 2147483647;

void DefaultEach(json::object& spec, const char* key, void (*fn)(json::object&)) {
  json::value* list = spec.if_contains(key);
  if (list == nullptr || !list->is_array()) return;
  for (json::value& item : list->get_array()) {
    if (item.is_object()) fn(item.get_object());
  }
}

void ValidateTolerations(const json::array& tolerations, const std::string& path,
                         FieldErrors& errors) {
  for (size_t i = 0; i < tolerations.size(); ++i) {
    if (!tolerations[i].is_object()) continue;
    const json::object& toleration = tolerations[i].get_object();
    std::string at = Index(path, i);
    std::string key = StringField(toleration, "key");
    std::string op = StringField(toleration, "operator");
    std::string value = StringField(toleration, "value");
    std::string effect = StringField(toleration, "effect");
    if (!key.empty()) ValidateQualifiedName(key, Child(at, "key"), errors);
    if (key.empty() && op != "Exists") {
      errors.push_back(Invalid(Child(at, "operator"), json::string(op),
                               "operator must be Exists when `key` is empty, which means \"match "
                               "all values and all keys\""));
    }
    const json::value* seconds = toleration.if_contains("tolerationSeconds");
    if (seconds && !seconds->is_null() && effect != "NoExecute") {
      errors.push_back(Invalid(Child(at, "effect"), json::string(effect),
                               "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op.empty() || op == "Equal") {
      std::vector<std::string> problems = meta::IsValidLabelValue(value);
      if (!problems.empty()) {
        std::string joined;
        for (const std::string& problem : problems) joined += (joined.empty() ? "" : ";") + problem;
        errors.push_back(Invalid(Child(at, "operator"), json::string(value), joined));
      }
    } else if (op == "Exists") {
      if (!value.empty()) {
        errors.push_back(Invalid(Child(at, "operator"), json::string(value),
                                 "value must be empty when `operator` is 'Exists'"));
      }
    } else {
      errors.push_back(NotSupported(Child(at, "operator"), json::string(op), {"Equal", "Exists"}));
    }
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" &&
        effect != "NoExecute") {
      errors.push_back(NotSupported(Child(at, "effect"), json::string(effect),
                                    {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
  }
}

void ValidateDnsConfig(const json::object& spec, const std::string& path, FieldErrors& errors) {
  const json::object* config = ObjectField(spec, "dnsConfig");
  std::string config_path = Child(path, "dnsConfig");
  if (StringField(spec, "dnsPolicy") == "None") {
    if (config == nullptr) {
      errors.push_back(Required(config_path, "must provide `dnsConfig` when `dnsPolicy` is None"));
      return;
    }
    const json::array* servers = ArrayField(*config, "nameservers");
    if (servers == nullptr || servers->empty()) {
      errors.push_back(Required(Child(config_path, "nameservers"),
                                "must provide at least one DNS nameserver when `dnsPolicy` is "
                                "None"));
      return;
    }
  }
  if (config == nullptr) return;
  if (const json::array* servers = ArrayField(*config, "nameservers")) {
    if (servers->size() > 3) {
      errors.push_back(Invalid(Child(config_path, "nameservers"), *servers,
                               "must not have more than 3 nameservers"));
    }
    for (size_t i = 0; i < servers->size(); ++i) {
      std::string server = (*servers)[i].is_string() ? std::string((*servers)[i].get_string()) : "";
      if (!IsIP(server)) {
        errors.push_back(Invalid(Index(Child(config_path, "nameservers"), i), json::string(server),
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      }
    }
  }
  if (const json::array* searches = ArrayField(*config, "searches")) {
    if (searches->size() > 32) {
      errors.push_back(Invalid(Child(config_path, "searches"), *searches,
                               "must not have more than 32 search paths"));
    }
    for (size_t i = 0; i < searches->size(); ++i) {
      std::string search =
          (*searches)[i].is_string() ? std::string((*searches)[i].get_string()) : "";
      if (!search.empty() && search.back() == '.') search.pop_back();
      ValidateDns1123Subdomain(search, Index(Child(config_path, "searches"), i), errors);
    }
  }
  if (const json::array* options = ArrayField(*config, "options")) {
    for (size_t i = 0; i < options->size(); ++i) {
      if ((*options)[i].is_object() && StringField((*options)[i].get_object(), "name").empty()) {
        errors.push_back(Required(Index(Child(config_path, "options"), i), "must not be empty"));
      }
    }
  }
}

void ValidateTopologySpread(const json::array& constraints, const std::string& path,
                            FieldErrors& errors) {
  for (size_t i = 0; i < constraints.size(); ++i) {
    if (!constraints[i].is_object()) continue;
    const json::object& constraint = constraints[i].get_object();
    std::string at = Index(path, i);
    int64_t skew = 0;
    IntField(constraint, "maxSkew", skew);
    if (skew <= 0) {
      errors.push_back(Invalid(Child(at, "maxSkew"), skew, "must be greater than zero"));
    }
    std::string key = StringField(constraint, "topologyKey");
    if (key.empty()) errors.push_back(Required(Child(at, "topologyKey"), "can not be empty"));
    std::string when = StringField(constraint, "whenUnsatisfiable");
    if (when != "DoNotSchedule" && when != "ScheduleAnyway") {
      errors.push_back(NotSupported(Child(at, "whenUnsatisfiable"), json::string(when),
                                    {"DoNotSchedule", "ScheduleAnyway"}));
    }
    for (size_t j = i + 1; j < constraints.size(); ++j) {
      if (!constraints[j].is_object()) continue;
      if (StringField(constraints[j].get_object(), "topologyKey") == key &&
          StringField(constraints[j].get_object(), "whenUnsatisfiable") == when) {
        errors.push_back(Duplicate(Child(at, "{topologyKey, whenUnsatisfiable}"),
                                   json::string(fmt::format("{{{}, {}}}", key, when))));
        break;
      }
    }
  }
}

void ValidatePodSecurityContext(const json::object& context, const std::string& path,
                                FieldErrors& errors) {
  for (const char* id : {"runAsUser", "runAsGroup", "fsGroup"}) {
    int64_t value = 0;
    if (IntField(context, id, value) && (value < 0 || value > kMaxInt32)) {
      errors.push_back(Invalid(Child(path, id), value, InclusiveRangeError(0, kMaxInt32)));
    }
  }
  if (const json::array* groups = ArrayField(context, "supplementalGroups")) {
    for (size_t i = 0; i < groups->size(); ++i) {
      int64_t gid = (*groups)[i].is_int64() ? (*groups)[i].get_int64() : 0;
      if (gid < 0 || gid > kMaxInt32) {
        errors.push_back(Invalid(Index(Child(path, "supplementalGroups"), i), gid,
                                 InclusiveRangeError(0, kMaxInt32)));
      }
    }
  }
  std::string change = StringField(context, "fsGroupChangePolicy");
  if (context.contains("fsGroupChangePolicy") && change != "Always" && change != "OnRootMismatch") {
    errors.push_back(NotSupported(Child(path, "fsGroupChangePolicy"), json::string(change),
                                  {"Always", "OnRootMismatch"}));
  }
}

void ValidateSubdomainField(const json::object& spec, const char* field, const std::string& path,
                            FieldErrors& errors) {
  std::string value = StringField(spec, field);
  if (!value.empty()) ValidateDns1123Subdomain(value, Child(path, field), errors);
}

void ValidateSpec(const json::object& spec, const std::string& path, bool is_pod,
                  FieldErrors& errors) {
  ContainerContext context;
  context.has_grace_period = IntField(spec, "terminationGracePeriodSeconds", context.grace_period);
  if (!context.has_grace_period) {
    errors.push_back(Required(Child(path, "terminationGracePeriodSeconds")));
  }
  context.restart_policy = StringField(spec, "restartPolicy");
  VolumeSources volumes =
      ValidateVolumes(ArrayField(spec, "volumes"), Child(path, "volumes"), errors);
  context.volumes = &volumes;
  const json::array* containers = ArrayField(spec, "containers");
  const json::array* init_containers = ArrayField(spec, "initContainers");
  ValidateContainers(containers, Child(path, "containers"), context, errors);
  ValidateInitContainers(init_containers, containers, Child(path, "initContainers"), context,
                         errors);

  // Upstream checks only regular containers here; init containers keep their own host ports.
  if (BoolField(spec, "hostNetwork") && containers != nullptr) {
    for (size_t i = 0; i < containers->size(); ++i) {
      if (!(*containers)[i].is_object()) continue;
      const json::array* ports = ArrayField((*containers)[i].get_object(), "ports");
      for (size_t j = 0; ports && j < ports->size(); ++j) {
        if (!(*ports)[j].is_object()) continue;
        int64_t host_port = 0;
        int64_t container_port = 0;
        IntField((*ports)[j].get_object(), "hostPort", host_port);
        IntField((*ports)[j].get_object(), "containerPort", container_port);
        // A template may leave hostPort 0: the Pod made from it gets it defaulted.
        if ((is_pod || host_port != 0) && host_port != container_port) {
          errors.push_back(Invalid(
              Child(Index(Child(Index(Child(path, "containers"), i), "ports"), j), "hostPort"),
              host_port, "must match `containerPort` when `hostNetwork` is true"));
        }
      }
    }
  }

  ValidateEnum(context.restart_policy, Child(path, "restartPolicy"),
               {"Always", "OnFailure", "Never"}, errors);
  ValidateEnum(StringField(spec, "dnsPolicy"), Child(path, "dnsPolicy"),
               {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}, errors);
  ValidateLabels(ObjectField(spec, "nodeSelector"), Child(path, "nodeSelector"), errors);
  if (const json::object* security = ObjectField(spec, "securityContext")) {
    ValidatePodSecurityContext(*security, Child(path, "securityContext"), errors);
  }
  ValidateDnsConfig(spec, path, errors);
  if (const json::array* gates = ArrayField(spec, "readinessGates")) {
    for (size_t i = 0; i < gates->size(); ++i) {
      if (!(*gates)[i].is_object()) continue;
      ValidateQualifiedName(StringField((*gates)[i].get_object(), "conditionType"),
                            Child(Index(Child(path, "readinessGates"), i), "conditionType"),
                            errors);
    }
  }
  if (const json::array* gates = ArrayField(spec, "schedulingGates")) {
    std::set<std::string> seen;
    for (size_t i = 0; i < gates->size(); ++i) {
      if (!(*gates)[i].is_object()) continue;
      std::string name = StringField((*gates)[i].get_object(), "name");
      std::string at = Index(Child(path, "schedulingGates"), i);
      ValidateQualifiedName(name, at, errors);
      if (!seen.insert(name).second) errors.push_back(Duplicate(at, json::string(name)));
    }
  }
  if (const json::array* constraints = ArrayField(spec, "topologySpreadConstraints")) {
    ValidateTopologySpread(*constraints, Child(path, "topologySpreadConstraints"), errors);
  }
  ValidateSubdomainField(spec, "serviceAccountName", path, errors);
  ValidateSubdomainField(spec, "nodeName", path, errors);
  int64_t deadline = 0;
  if (IntField(spec, "activeDeadlineSeconds", deadline) && (deadline < 1 || deadline > kMaxInt32)) {
    errors.push_back(
        Invalid(Child(path, "activeDeadlineSeconds"), deadline, InclusiveRangeError(1, kMaxInt32)));
  }
  for (const char* field : {"hostname", "subdomain"}) {
    std::string value = StringField(spec, field);
    if (!value.empty()) ValidateDns1123Label(value, Child(path, field), errors);
  }
  if (const json::array* tolerations = ArrayField(spec, "tolerations")) {
    ValidateTolerations(*tolerations, Child(path, "tolerations"), errors);
  }
  if (const json::array* aliases = ArrayField(spec, "hostAliases")) {
    for (size_t i = 0; i < aliases->size(); ++i) {
      if (!(*aliases)[i].is_object()) continue;
      const json::object& alias = (*aliases)[i].get_object();
      std::string at = Index(Child(path, "hostAliases"), i);
      std::string ip = StringField(alias, "ip");
      if (!IsIP(ip)) {
        errors.push_back(Invalid(Child(at, "ip"), json::string(ip),
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      }
      if (const json::array* names = ArrayField(alias, "hostnames")) {
        for (size_t j = 0; j < names->size(); ++j) {
          std::string name = (*names)[j].is_string() ? std::string((*names)[j].get_string()) : "";
          ValidateDns1123Subdomain(name, Index(Child(at, "hostnames"), j), errors);
        }
      }
    }
  }
  ValidateSubdomainField(spec, "priorityClassName", path, errors);
  if (spec.contains("preemptionPolicy") && !spec.at("preemptionPolicy").is_null()) {
    ValidateEnum(StringField(spec, "preemptionPolicy"), Child(path, "preemptionPolicy"),
                 {"PreemptLowerPriority", "Never"}, errors);
  }
  if (const json::object* os = ObjectField(spec, "os")) {
    std::string name = StringField(*os, "name");
    if (name.empty()) {
      errors.push_back(Required(Child(Child(path, "os"), "name"), "cannot be empty"));
    } else if (name != "linux" && name != "windows") {
      errors.push_back(NotSupported(Child(path, "os"), json::string(name), {"linux", "windows"}));
    }
  }
}

}  // namespace

void DefaultPodSpec(json::object& spec) {
  DefaultString(spec, "dnsPolicy", "ClusterFirst");
  DefaultString(spec, "restartPolicy", "Always");
  if (!spec.contains("securityContext") || spec["securityContext"].is_null()) {
    spec["securityContext"] = json::object();
  }
  if (!spec.contains("terminationGracePeriodSeconds") ||
      spec["terminationGracePeriodSeconds"].is_null()) {
    spec["terminationGracePeriodSeconds"] = 30;
  }
  DefaultString(spec, "schedulerName", "default-scheduler");
  DefaultEach(spec, "containers", &DefaultContainer);
  DefaultEach(spec, "initContainers", &DefaultContainer);
  DefaultEach(spec, "ephemeralContainers", &DefaultContainer);
  DefaultEach(spec, "volumes", &DefaultVolume);
}

void ValidatePodSpec(const json::object& spec, const std::string& path, FieldErrors& errors) {
  ValidateSpec(spec, path, false, errors);
}

void ValidatePodSpecOfPod(const json::object& spec, FieldErrors& errors) {
  ValidateSpec(spec, "spec", true, errors);
  for (const char* list : {"containers", "initContainers"}) {
    const json::array* containers = ArrayField(spec, list);
    if (containers == nullptr) continue;
    for (size_t i = 0; i < containers->size(); ++i) {
      if (!(*containers)[i].is_object()) continue;
      std::string image = StringField((*containers)[i].get_object(), "image");
      size_t first = image.find_first_not_of(" \t\r\n\v\f");
      size_t last = image.find_last_not_of(" \t\r\n\v\f");
      if (!image.empty() && (first != 0 || last != image.size() - 1)) {
        errors.push_back(Invalid(Child(Index(Child("spec", list), i), "image"), json::string(image),
                                 "must not have leading or trailing whitespace"));
      }
    }
  }
}

void ValidatePodTemplate(const json::object& tmpl, const std::string& path, FieldErrors& errors) {
  const json::object* metadata = ObjectField(tmpl, "metadata");
  if (metadata) ValidateLabels(ObjectField(*metadata, "labels"), Child(path, "labels"), errors);
  const json::object* spec = ObjectField(tmpl, "spec");
  static const json::object kEmpty;
  ValidateSpec(spec ? *spec : kEmpty, Child(path, "spec"), false, errors);
  if (spec) {
    const json::array* ephemeral = ArrayField(*spec, "ephemeralContainers");
    if (ephemeral && !ephemeral->empty()) {
      errors.push_back(Forbidden(Child(Child(path, "spec"), "ephemeralContainers"),
                                 "ephemeral containers not allowed in pod template"));
    }
  }
}

}  // namespace mini::cluster::registry::core
