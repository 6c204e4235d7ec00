// Containers of a PodSpec: their defaults and their validation, split out of pod_spec.cc.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec_parts.h"
#include "cluster/registry/core/quantity.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
namespace meta = mini::api::meta;

namespace {

// The tag as the image reference parser sees it: "latest" when there is neither tag nor digest,
// "" when there is only a digest.
std::string ImageTag(std::string_view image) {
  size_t at = image.find('@');
  bool digest = at != std::string_view::npos;
  std::string_view name = image.substr(0, at);
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    return std::string(name.substr(colon + 1));
  }
  return digest ? "" : "latest";
}

void DefaultHandler(json::object& handler) {
  if (json::value* http = handler.if_contains("httpGet"); http && http->is_object()) {
    DefaultString(http->get_object(), "path", "/");
    DefaultString(http->get_object(), "scheme", "HTTP");
  }
}

void DefaultProbe(json::object& probe) {
  DefaultHandler(probe);
  DefaultInt(probe, "timeoutSeconds", 1);
  DefaultInt(probe, "periodSeconds", 10);
  DefaultInt(probe, "successThreshold", 1);
  DefaultInt(probe, "failureThreshold", 3);
}

}  // namespace

void DefaultContainer(json::object& container) {
  if (StringField(container, "imagePullPolicy").empty()) {
    container["imagePullPolicy"] =
        ImageTag(StringField(container, "image")) == "latest" ? "Always" : "IfNotPresent";
  }
  DefaultString(container, "terminationMessagePath", "/dev/termination-log");
  DefaultString(container, "terminationMessagePolicy", "File");
  // A zero ResourceRequirements still serializes as {} on a real cluster.
  EnsureObject(container, "resources");
  if (json::value* ports = container.if_contains("ports"); ports && ports->is_array()) {
    for (json::value& port : ports->get_array()) {
      if (port.is_object()) DefaultString(port.get_object(), "protocol", "TCP");
    }
  }
  for (const char* name : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    if (json::value* probe = container.if_contains(name); probe && probe->is_object()) {
      DefaultProbe(probe->get_object());
    }
  }
  if (json::value* lifecycle = container.if_contains("lifecycle");
      lifecycle && lifecycle->is_object()) {
    for (const char* name : {"postStart", "preStop"}) {
      if (json::value* handler = lifecycle->get_object().if_contains(name);
          handler && handler->is_object()) {
        DefaultHandler(handler->get_object());
      }
    }
  }
  if (json::value* env = container.if_contains("env"); env && env->is_array()) {
    for (json::value& var : env->get_array()) {
      if (!var.is_object()) continue;
      json::value* from = var.get_object().if_contains("valueFrom");
      if (from == nullptr || !from->is_object()) continue;
      if (json::value* field = from->get_object().if_contains("fieldRef");
          field && field->is_object()) {
        DefaultString(field->get_object(), "apiVersion", "v1");
      }
      if (json::value* resource = from->get_object().if_contains("resourceFieldRef");
          resource && resource->is_object() && !resource->get_object().contains("divisor")) {
        resource->get_object()["divisor"] = "0";
      }
    }
  }
}

namespace {

void ValidatePorts(const json::array& ports, const std::string& path, FieldErrors& errors) {
  std::set<std::string> names;
  for (size_t i = 0; i < ports.size(); ++i) {
    std::string at = Index(path, i);
    if (!ports[i].is_object()) continue;
    const json::object& port = ports[i].get_object();
    std::string name = StringField(port, "name");
    if (!name.empty()) {
      std::vector<std::string> problems = IsValidPortName(name);
      if (!problems.empty()) {
        AddInvalid(errors, Child(at, "name"), json::string(name), problems);
      } else if (!names.insert(name).second) {
        errors.push_back(Duplicate(Child(at, "name"), json::string(name)));
      }
    }
    int64_t number = 0;
    if (!IntField(port, "containerPort", number) || number == 0) {
      errors.push_back(Required(Child(at, "containerPort")));
    } else {
      AddInvalid(errors, Child(at, "containerPort"), number, IsValidPortNum(number));
    }
    int64_t host_port = 0;
    if (IntField(port, "hostPort", host_port) && host_port != 0) {
      AddInvalid(errors, Child(at, "hostPort"), host_port, IsValidPortNum(host_port));
    }
    std::string protocol = StringField(port, "protocol");
    if (protocol.empty()) {
      errors.push_back(Required(Child(at, "protocol")));
    } else if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      errors.push_back(
          NotSupported(Child(at, "protocol"), json::string(protocol), {"SCTP", "TCP", "UDP"}));
    }
  }
}

void ValidateFieldRef(const json::object& ref, const std::string& path, FieldErrors& errors) {
  if (StringField(ref, "apiVersion").empty()) {
    errors.push_back(Required(Child(path, "apiVersion")));
    return;
  }
  std::string field_path = StringField(ref, "fieldPath");
  if (field_path.empty()) {
    errors.push_back(Required(Child(path, "fieldPath")));
    return;
  }
  std::string version = StringField(ref, "apiVersion");
  if (version != "v1") {
    errors.push_back(Invalid(Child(path, "fieldPath"), json::string(field_path),
                             "error converting fieldPath: unsupported pod version: " + version));
    return;
  }
  size_t bracket = field_path.find('[');
  if (bracket != std::string::npos && field_path.back() == ']') {
    std::string base = field_path.substr(0, bracket);
    std::string subscript = field_path.substr(bracket + 1, field_path.size() - bracket - 2);
    if (subscript.size() >= 2 && subscript.front() == '\'' && subscript.back() == '\'') {
      subscript = subscript.substr(1, subscript.size() - 2);
    }
    if (base == "metadata.labels" || base == "metadata.annotations") {
      ValidateQualifiedName(subscript, path, errors);
    } else {
      errors.push_back(Invalid(Child(path, "fieldPath"), json::string(field_path),
                               "error converting fieldPath: field label does not support "
                               "subscript: " +
                                   field_path));
    }
    return;
  }
  static const std::set<std::string> kConvertible = {
      "metadata.annotations", "metadata.labels", "metadata.name",      "metadata.namespace",
      "metadata.uid",         "spec.nodeName",   "spec.restartPolicy", "spec.serviceAccountName",
      "spec.schedulerName",   "status.phase",    "status.hostIP",      "status.hostIPs",
      "status.podIP",         "status.podIPs",   "spec.host"};
  if (kConvertible.count(field_path) == 0) {
    errors.push_back(
        Invalid(Child(path, "fieldPath"), json::string(field_path),
                "error converting fieldPath: field label not supported: " + field_path));
    return;
  }
  static const std::vector<std::string> kSupported = {"metadata.name",
                                                      "metadata.namespace",
                                                      "metadata.uid",
                                                      "spec.nodeName",
                                                      "spec.serviceAccountName",
                                                      "status.hostIP",
                                                      "status.hostIPs",
                                                      "status.podIP",
                                                      "status.podIPs"};
  std::string converted = field_path == "spec.host" ? "spec.nodeName" : field_path;
  if (std::find(kSupported.begin(), kSupported.end(), converted) == kSupported.end()) {
    errors.push_back(NotSupported(Child(path, "fieldPath"), json::string(converted), kSupported));
  }
}

void ValidateKeySelector(const json::object& ref, const std::string& path, FieldErrors& errors) {
  std::string name = StringField(ref, "name");
  AddInvalid(errors, Child(path, "name"), json::string(name), meta::IsDns1123Subdomain(name));
  std::string key = StringField(ref, "key");
  if (key.empty()) {
    errors.push_back(Required(Child(path, "key")));
  } else {
    AddInvalid(errors, Child(path, "key"), json::string(key), IsConfigMapKey(key));
  }
}

void ValidateEnv(const json::array& env, const std::string& path, FieldErrors& errors) {
  for (size_t i = 0; i < env.size(); ++i) {
    if (!env[i].is_object()) continue;
    const json::object& var = env[i].get_object();
    std::string at = Index(path, i);
    std::string name = StringField(var, "name");
    if (name.empty()) {
      errors.push_back(Required(Child(at, "name")));
    } else {
      AddInvalid(errors, Child(at, "name"), json::string(name), IsRelaxedEnvVarName(name));
    }
    const json::object* from = ObjectField(var, "valueFrom");
    if (from == nullptr) continue;
    std::string from_path = Child(at, "valueFrom");
    int sources = 0;
    if (const json::object* ref = ObjectField(*from, "fieldRef")) {
      ++sources;
      ValidateFieldRef(*ref, Child(from_path, "fieldRef"), errors);
    }
    if (const json::object* ref = ObjectField(*from, "resourceFieldRef")) {
      ++sources;
      std::string resource = StringField(*ref, "resource");
      static const std::vector<std::string> kResources = {
          "limits.cpu",   "limits.ephemeral-storage",   "limits.memory",
          "requests.cpu", "requests.ephemeral-storage", "requests.memory"};
      if (resource.empty()) {
        errors.push_back(Required(Child(Child(from_path, "resourceFieldRef"), "resource")));
      } else if (std::find(kResources.begin(), kResources.end(), resource) == kResources.end() &&
                 resource.rfind("limits.hugepages-", 0) != 0 &&
                 resource.rfind("requests.hugepages-", 0) != 0) {
        errors.push_back(NotSupported(Child(Child(from_path, "resourceFieldRef"), "resource"),
                                      json::string(resource), kResources));
      }
    }
    if (const json::object* ref = ObjectField(*from, "configMapKeyRef")) {
      ++sources;
      ValidateKeySelector(*ref, Child(from_path, "configMapKeyRef"), errors);
    }
    if (const json::object* ref = ObjectField(*from, "secretKeyRef")) {
      ++sources;
      ValidateKeySelector(*ref, Child(from_path, "secretKeyRef"), errors);
    }
    if (sources == 0) {
      errors.push_back(Invalid(from_path, json::string(""),
                               "must specify one of: `fieldRef`, `resourceFieldRef`, "
                               "`configMapKeyRef` or `secretKeyRef`"));
    } else if (!StringField(var, "value").empty()) {
      errors.push_back(
          Invalid(from_path, json::string(""), "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errors.push_back(Invalid(from_path, json::string(""),
                               "may not have more than one field specified at a time"));
    }
  }
}

void ValidateEnvFrom(const json::array& env_from, const std::string& path, FieldErrors& errors) {
  for (size_t i = 0; i < env_from.size(); ++i) {
    if (!env_from[i].is_object()) continue;
    const json::object& source = env_from[i].get_object();
    std::string at = Index(path, i);
    std::string prefix = StringField(source, "prefix");
    if (!prefix.empty()) {
      AddInvalid(errors, Child(at, "prefix"), json::string(prefix), IsRelaxedEnvVarName(prefix));
    }
    int sources = 0;
    for (const char* kind : {"configMapRef", "secretRef"}) {
      const json::object* ref = ObjectField(source, kind);
      if (ref == nullptr) continue;
      ++sources;
      std::string name = StringField(*ref, "name");
      std::string name_path = Child(Child(at, kind), "name");
      if (name.empty()) {
        errors.push_back(Required(name_path));
      } else {
        AddInvalid(errors, name_path, json::string(name),
                   meta::IsDns1123Subdomain(meta::MaskTrailingDash(name)));
      }
    }
    if (sources == 0) {
      errors.push_back(
          Invalid(path, json::string(""), "must specify one of: `configMapRef` or `secretRef`"));
    } else if (sources > 1) {
      errors.push_back(
          Invalid(path, json::string(""), "may not have more than one field specified at a time"));
    }
  }
}

// Whether a relative path stays inside the volume: no absolute path, no "..".
void ValidateLocalDescendingPath(const std::string& value, const std::string& path,
                                 FieldErrors& errors) {
  if (!value.empty() && value.front() == '/') {
    errors.push_back(Invalid(path, json::string(value), "must be a relative path"));
  }
  size_t start = 0;
  while (start <= value.size()) {
    size_t slash = value.find('/', start);
    if (value.substr(start, slash == std::string::npos ? std::string::npos : slash - start) ==
        "..") {
      errors.push_back(Invalid(path, json::string(value), "must not contain '..'"));
      break;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

void ValidateVolumeMounts(const json::array& mounts, const std::string& path,
                          const VolumeSources& volumes, FieldErrors& errors) {
  std::set<std::string> mount_points;
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (!mounts[i].is_object()) continue;
    const json::object& mount = mounts[i].get_object();
    std::string at = Index(path, i);
    std::string name = StringField(mount, "name");
    if (name.empty()) errors.push_back(Required(Child(at, "name")));
    if (volumes.count(name) == 0) errors.push_back(NotFound(Child(at, "name"), json::string(name)));
    std::string mount_path = StringField(mount, "mountPath");
    if (mount_path.empty()) errors.push_back(Required(Child(at, "mountPath")));
    if (!mount_points.insert(mount_path).second) {
      errors.push_back(Invalid(Child(at, "mountPath"), json::string(mount_path), "must be unique"));
    }
    std::string sub_path = StringField(mount, "subPath");
    if (!sub_path.empty()) ValidateLocalDescendingPath(sub_path, Child(path, "subPath"), errors);
    std::string sub_path_expr = StringField(mount, "subPathExpr");
    if (!sub_path_expr.empty()) {
      if (!sub_path.empty()) {
        errors.push_back(Invalid(Child(at, "subPathExpr"), json::string(sub_path_expr),
                                 "subPathExpr and subPath are mutually exclusive"));
      }
      ValidateLocalDescendingPath(sub_path_expr, Child(path, "subPathExpr"), errors);
    }
    std::string propagation = StringField(mount, "mountPropagation");
    if (!propagation.empty() && propagation != "Bidirectional" &&
        propagation != "HostToContainer" && propagation != "None") {
      errors.push_back(NotSupported(Child(path, "mountPropagation"), json::string(propagation),
                                    {"Bidirectional", "HostToContainer", "None"}));
    }
  }
}

// Resources every node understands without a vendor prefix.
bool IsNativeResource(std::string_view name) {
  return name.find('/') == std::string_view::npos || name.rfind("kubernetes.io/", 0) == 0;
}

bool IsHugePages(std::string_view name) { return name.rfind("hugepages-", 0) == 0; }

// Extended resources (GPUs) and huge pages cannot be overcommitted.
bool IsOvercommitAllowed(std::string_view name) {
  return IsNativeResource(name) && !IsHugePages(name);
}

void ValidateResourceName(const std::string& name, const std::string& path, FieldErrors& errors) {
  std::vector<std::string> problems = meta::IsQualifiedName(name);
  if (!problems.empty()) {
    AddInvalid(errors, path, json::string(name), problems);
    return;
  }
  if (name.find('/') == std::string::npos && name != "cpu" && name != "memory" &&
      name != "ephemeral-storage" && !IsHugePages(name)) {
    errors.push_back(Invalid(path, json::string(name),
                             "must be a standard resource type or "
                             "fully qualified"));
  }
}

void ValidateResources(const json::object& resources, const std::string& path,
                       FieldErrors& errors) {
  const json::object* limits = ObjectField(resources, "limits");
  const json::object* requests = ObjectField(resources, "requests");
  std::string limits_path = Child(path, "limits");
  std::string requests_path = Child(path, "requests");
  auto check_quantity = [&errors](const std::string& name, const json::value& value,
                                  const std::string& at) -> std::optional<Quantity> {
    std::optional<Quantity> quantity = QuantityOf(value);
    if (!quantity) {
      errors.push_back(Invalid(at, value, kQuantityRegexError));
      return std::nullopt;
    }
    if (quantity->nanos < 0) {
      errors.push_back(Invalid(at, json::string(FormatQuantity(*quantity)),
                               "must be greater than or equal to 0"));
    }
    if (!IsNativeResource(name) && quantity->nanos % 1000000000 != 0) {
      errors.push_back(Invalid(at, json::string(FormatQuantity(*quantity)), "must be an integer"));
    }
    return quantity;
  };
  if (limits) {
    for (const auto& [name, value] : *limits) {
      std::string at = Key(limits_path, name);
      ValidateResourceName(std::string(name), at, errors);
      check_quantity(std::string(name), value, at);
    }
  }
  if (!requests) return;
  for (const auto& [name, value] : *requests) {
    std::string at = Key(requests_path, name);
    ValidateResourceName(std::string(name), at, errors);
    std::optional<Quantity> request = check_quantity(std::string(name), value, at);
    const json::value* limit_value = limits ? limits->if_contains(name) : nullptr;
    if (limit_value == nullptr) {
      if (!IsOvercommitAllowed(name)) {
        errors.push_back(
            Required(limits_path, "Limit must be set for non overcommitable resources"));
      }
      continue;
    }
    std::optional<Quantity> limit = QuantityOf(*limit_value);
    if (!request || !limit) continue;
    int order = CompareQuantities(*request, *limit);
    if (order != 0 && !IsOvercommitAllowed(name)) {
      errors.push_back(Invalid(requests_path, json::string(FormatQuantity(*request)),
                               fmt::format("must be equal to {} limit of {}", std::string(name),
                                           FormatQuantity(*limit))));
    } else if (order > 0) {
      errors.push_back(Invalid(requests_path, json::string(FormatQuantity(*request)),
                               fmt::format("must be less than or equal to {} limit of {}",
                                           std::string(name), FormatQuantity(*limit))));
    }
  }
}

void ValidateSecurityContext(const json::object& context, const std::string& path,
                             FieldErrors& errors) {
  for (const char* id : {"runAsUser", "runAsGroup"}) {
    int64_t value = 0;
    if (IntField(context, id, value) && (value < 0 || value > 2147483647)) {
      errors.push_back(Invalid(Child(path, id), value, InclusiveRangeError(0, 2147483647)));
    }
  }
  std::string proc_mount = StringField(context, "procMount");
  if (!proc_mount.empty() && proc_mount != "Default" && proc_mount != "Unmasked") {
    errors.push_back(
        NotSupported(Child(path, "procMount"), json::string(proc_mount), {"Default", "Unmasked"}));
  }
  const json::value* escalation = context.if_contains("allowPrivilegeEscalation");
  if (escalation && escalation->is_bool() && !escalation->get_bool() &&
      BoolField(context, "privileged")) {
    errors.push_back(Invalid(path, context,
                             "cannot set `allowPrivilegeEscalation` to false and `privileged` "
                             "to true"));
  }
}

void ValidateHandler(const json::object& handler, const std::string& path,
                     const ContainerContext& context, FieldErrors& errors) {
  int handlers = 0;
  for (const char* kind : {"exec", "httpGet", "tcpSocket", "grpc", "sleep"}) {
    const json::object* action = ObjectField(handler, kind);
    if (action == nullptr) continue;
    std::string at = Child(path, kind);
    if (handlers++ > 0) {
      errors.push_back(Forbidden(at, "may not specify more than 1 handler type"));
      continue;
    }
    std::string name(kind);
    if (name == "exec") {
      const json::array* command = ArrayField(*action, "command");
      if (command == nullptr || command->empty()) errors.push_back(Required(Child(at, "command")));
    } else if (name == "httpGet") {
      if (StringField(*action, "path").empty()) errors.push_back(Required(Child(at, "path")));
      const json::value* port = action->if_contains("port");
      ValidatePortNumOrName(port ? *port : json::value(0), Child(at, "port"), errors);
      std::string scheme = StringField(*action, "scheme");
      if (scheme != "HTTP" && scheme != "HTTPS") {
        errors.push_back(
            NotSupported(Child(at, "scheme"), json::string(scheme), {"HTTP", "HTTPS"}));
      }
    } else if (name == "tcpSocket") {
      const json::value* port = action->if_contains("port");
      ValidatePortNumOrName(port ? *port : json::value(0), Child(at, "port"), errors);
    } else if (name == "grpc") {
      int64_t port = 0;
      IntField(*action, "port", port);
      AddInvalid(errors, Child(at, "port"), port, IsValidPortNum(port));
    } else if (context.has_grace_period) {
      int64_t seconds = 0;
      IntField(*action, "seconds", seconds);
      if (seconds <= 0 || seconds > context.grace_period) {
        errors.push_back(Invalid(
            at, seconds,
            fmt::format("must be greater than 0 and less than terminationGracePeriodSeconds "
                        "({}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for "
                        "zero sleep.",
                        context.grace_period)));
      }
    }
  }
  if (handlers == 0) errors.push_back(Required(path, "must specify a handler type"));
}

void ValidateProbe(const json::object& probe, const std::string& path, bool must_succeed_once,
                   bool readiness, const ContainerContext& context, FieldErrors& errors) {
  json::object handler;
  for (const char* kind : {"exec", "httpGet", "tcpSocket", "grpc"}) {
    if (const json::value* action = probe.if_contains(kind)) handler[kind] = *action;
  }
  ValidateHandler(handler, path, context, errors);
  for (const char* field : {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                            "successThreshold", "failureThreshold"}) {
    int64_t value = 0;
    IntField(probe, field, value);
    ValidateNonnegative(value, Child(path, field), errors);
  }
  int64_t grace = 0;
  bool has_grace = IntField(probe, "terminationGracePeriodSeconds", grace);
  if (has_grace && grace <= 0) {
    errors.push_back(
        Invalid(Child(path, "terminationGracePeriodSeconds"), grace, "must be greater than 0"));
  }
  int64_t success = 0;
  IntField(probe, "successThreshold", success);
  if (must_succeed_once && success != 1) {
    errors.push_back(Invalid(Child(path, "successThreshold"), success, "must be 1"));
  }
  if (readiness && has_grace) {
    errors.push_back(Invalid(Child(path, "terminationGracePeriodSeconds"), grace,
                             "must not be set for readinessProbes"));
  }
}

// Probes and lifecycle hooks, which regular and restartable init containers may have.
void ValidateProbesAndLifecycle(const json::object& container, const std::string& path,
                                const ContainerContext& context, FieldErrors& errors) {
  if (const json::object* lifecycle = ObjectField(container, "lifecycle")) {
    for (const char* hook : {"postStart", "preStop"}) {
      if (const json::object* handler = ObjectField(*lifecycle, hook)) {
        ValidateHandler(*handler, Child(Child(path, "lifecycle"), hook), context, errors);
      }
    }
  }
  if (const json::object* probe = ObjectField(container, "livenessProbe")) {
    ValidateProbe(*probe, Child(path, "livenessProbe"), true, false, context, errors);
  }
  if (const json::object* probe = ObjectField(container, "readinessProbe")) {
    ValidateProbe(*probe, Child(path, "readinessProbe"), false, true, context, errors);
  }
  if (const json::object* probe = ObjectField(container, "startupProbe")) {
    ValidateProbe(*probe, Child(path, "startupProbe"), true, false, context, errors);
  }
}

// What every kind of container must satisfy.
void ValidateContainerCommon(const json::object& container, const std::string& path,
                             const ContainerContext& context, FieldErrors& errors) {
  std::string name = StringField(container, "name");
  if (name.empty()) {
    errors.push_back(Required(Child(path, "name")));
  } else {
    ValidateDns1123Label(name, Child(path, "name"), errors);
  }
  if (StringField(container, "image").empty()) errors.push_back(Required(Child(path, "image")));
  ValidateEnum(StringField(container, "terminationMessagePolicy"),
               Child(path, "terminationMessagePolicy"), {"File", "FallbackToLogsOnError"}, errors);
  if (const json::array* ports = ArrayField(container, "ports")) {
    ValidatePorts(*ports, Child(path, "ports"), errors);
  }
  if (const json::array* env = ArrayField(container, "env")) {
    ValidateEnv(*env, Child(path, "env"), errors);
  }
  if (const json::array* env_from = ArrayField(container, "envFrom")) {
    ValidateEnvFrom(*env_from, Child(path, "envFrom"), errors);
  }
  if (const json::array* mounts = ArrayField(container, "volumeMounts")) {
    ValidateVolumeMounts(*mounts, Child(path, "volumeMounts"), *context.volumes, errors);
  }
  std::string policy = StringField(container, "imagePullPolicy");
  if (policy.empty()) {
    errors.push_back(Required(Child(path, "imagePullPolicy")));
  } else if (policy != "Always" && policy != "IfNotPresent" && policy != "Never") {
    errors.push_back(NotSupported(Child(path, "imagePullPolicy"), json::string(policy),
                                  {"Always", "IfNotPresent", "Never"}));
  }
  if (const json::object* resources = ObjectField(container, "resources")) {
    ValidateResources(*resources, Child(path, "resources"), errors);
  }
  if (const json::object* security = ObjectField(container, "securityContext")) {
    ValidateSecurityContext(*security, Child(path, "securityContext"), errors);
  }
}

// Two containers may not bind the same host port (per protocol and host IP).
void CheckHostPorts(const json::array& containers, const std::string& path,
                    std::set<std::string>& seen, FieldErrors& errors) {
  for (size_t i = 0; i < containers.size(); ++i) {
    if (!containers[i].is_object()) continue;
    const json::array* ports = ArrayField(containers[i].get_object(), "ports");
    if (ports == nullptr) continue;
    for (size_t j = 0; j < ports->size(); ++j) {
      if (!(*ports)[j].is_object()) continue;
      const json::object& port = (*ports)[j].get_object();
      int64_t host_port = 0;
      if (!IntField(port, "hostPort", host_port) || host_port == 0) continue;
      std::string key = fmt::format("{}/{}/{}", StringField(port, "protocol"),
                                    StringField(port, "hostIP"), host_port);
      if (!seen.insert(key).second) {
        errors.push_back(Duplicate(Child(Index(Child(Index(path, i), "ports"), j), "hostPort"),
                                   json::string(key)));
      }
    }
  }
}

}  // namespace

void ValidateContainers(const json::array* containers, const std::string& path,
                        const ContainerContext& context, FieldErrors& errors) {
  if (containers == nullptr || containers->empty()) {
    errors.push_back(Required(path));
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < containers->size(); ++i) {
    std::string at = Index(path, i);
    if (!(*containers)[i].is_object()) {
      errors.push_back(Required(Child(at, "name")));
      continue;
    }
    const json::object& container = (*containers)[i].get_object();
    ValidateContainerCommon(container, at, context, errors);
    std::string name = StringField(container, "name");
    if (!names.insert(name).second) {
      errors.push_back(Duplicate(Child(at, "name"), json::string(name)));
    }
    ValidateProbesAndLifecycle(container, at, context, errors);
    if (container.contains("restartPolicy") && !container.at("restartPolicy").is_null()) {
      errors.push_back(
          Forbidden(Child(at, "restartPolicy"), "may not be set for non-init containers"));
    }
  }
  std::set<std::string> host_ports;
  CheckHostPorts(*containers, path, host_ports, errors);
}

void ValidateInitContainers(const json::array* init_containers, const json::array* containers,
                            const std::string& path, const ContainerContext& context,
                            FieldErrors& errors) {
  if (init_containers == nullptr) return;
  std::set<std::string> names;
  if (containers) {
    for (const json::value& container : *containers) {
      if (container.is_object()) names.insert(StringField(container.get_object(), "name"));
    }
  }
  for (size_t i = 0; i < init_containers->size(); ++i) {
    std::string at = Index(path, i);
    if (!(*init_containers)[i].is_object()) continue;
    const json::object& container = (*init_containers)[i].get_object();
    ValidateContainerCommon(container, at, context, errors);
    std::string restart = StringField(container, "restartPolicy");
    bool restart_always = restart == "Always";
    if (container.contains("restartPolicy") && !restart_always) {
      errors.push_back(NotSupported(Child(at, "restartPolicy"), json::string(restart), {"Always"}));
    }
    std::string name = StringField(container, "name");
    if (names.count(name) != 0) {
      errors.push_back(Duplicate(Child(at, "name"), json::string(name)));
    } else if (!name.empty()) {
      names.insert(name);
    }
    // Init containers run one at a time, so only ports within one of them can collide.
    std::set<std::string> host_ports;
    json::array single;
    single.push_back(container);
    CheckHostPorts(single, path, host_ports, errors);
    if (restart_always) {
      ValidateProbesAndLifecycle(container, at, context, errors);
      continue;
    }
    for (const char* field : {"lifecycle", "livenessProbe", "readinessProbe", "startupProbe"}) {
      if (ObjectField(container, field)) {
        errors.push_back(Forbidden(Child(at, field),
                                   "may not be set for init containers without "
                                   "restartPolicy=Always"));
      }
    }
  }
}

}  // namespace mini::cluster::registry::core
