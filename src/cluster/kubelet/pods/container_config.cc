#include "cluster/kubelet/pods/container_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/kubelet/volumes/sub_path.h"
#include "cluster/kubelet/volumes/volume_manager.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"
#include "cluster/runtime/containers/container_manager.h"
#include "cluster/runtime/containers/user_lookup.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
using registry::ObjectAt;
using registry::StringAt;

namespace {

constexpr int64_t kCpuPeriod = 100000;  // microseconds, the kubelet's CFS period
constexpr int64_t kMinShares = 2;

std::vector<std::string> StringList(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* list = object.if_contains(key); list && list->is_array()) {
    for (const json::value& item : list->get_array()) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

const json::array* ArrayAt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_array() ? &value->get_array() : nullptr;
}

// $(VAR) references in command, args and env values expand from earlier variables; $$ is a
// literal $; unknown references stay as written, as Kubernetes does.
std::string Expand(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '(') {
      size_t close = text.find(')', i + 2);
      if (close == std::string::npos) {
        out += text.substr(i);
        break;
      }
      std::string name = text.substr(i + 2, close - i - 2);
      auto it = vars.find(name);
      out += it != vars.end() ? it->second : text.substr(i, close - i + 1);
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

runtime::oci::Mount Bind(std::string destination, std::filesystem::path source, bool read_only) {
  std::vector<std::string> options = {"rbind", "rprivate"};
  if (read_only) options.push_back("ro");
  return {std::move(destination), source.string(), "bind", std::move(options)};
}

// A field of the container's securityContext, else of the pod's.
const json::value* SecurityField(const json::object& pod, const json::object& container,
                                 std::string_view key) {
  for (const json::object* context :
       {ObjectAt(container, "securityContext"), ObjectAt(pod, "spec.securityContext")}) {
    const json::value* value = context ? context->if_contains(key) : nullptr;
    if (value && !value->is_null()) return value;
  }
  return nullptr;
}

std::optional<int64_t> SecurityId(const json::object& pod, const json::object& container,
                                  std::string_view key) {
  const json::value* value = SecurityField(pod, container, key);
  if (value && (value->is_int64() || value->is_uint64())) return value->to_number<int64_t>();
  return std::nullopt;
}

}  // namespace

std::vector<runtime::image::MountPoint> CommonMountPoints() {
  return {{"/etc/hosts", false},
          {"/etc/hostname", false},
          {"/etc/resolv.conf", false},
          {"/var/run/secrets/kubernetes.io/serviceaccount", true},
          {"/proc", true},
          {"/sys", true},
          {"/dev", true}};
}

ImageUser ParseImageUser(const std::string& user) {
  ImageUser parsed;
  const size_t colon = user.find(':');
  const std::string name = user.substr(0, colon);
  const std::string group = colon == std::string::npos ? "" : user.substr(colon + 1);
  parsed.uid = runtime::containers::NumericId(name);
  if (!parsed.uid) parsed.name = name;
  parsed.gid = runtime::containers::NumericId(group);
  if (!parsed.gid) parsed.group = group;
  return parsed;
}

Status VerifyRunAsNonRoot(const json::object& pod, const json::object& container,
                          const runtime::image::ImageConfig& image) {
  const json::value* non_root = SecurityField(pod, container, "runAsNonRoot");
  if (non_root == nullptr || !non_root->is_bool() || !non_root->get_bool()) return Status::Ok();
  const std::string where =
      fmt::format("(pod: \"{}_{}({})\", container: {})", StringAt(pod, "metadata.name"),
                  StringAt(pod, "metadata.namespace"), StringAt(pod, "metadata.uid"),
                  StringAt(container, "name"));
  if (auto uid = SecurityId(pod, container, "runAsUser")) {
    if (*uid == 0) {
      return Status(Code::kFailedPrecondition,
                    "container's runAsUser breaks non-root policy " + where);
    }
    return Status::Ok();
  }
  // An image that names no user runs as root.
  ImageUser user = ParseImageUser(image.user);
  if (user.uid.value_or(0) == 0 && user.name.empty()) {
    return Status(Code::kFailedPrecondition,
                  "container has runAsNonRoot and image will run as root " + where);
  }
  if (!user.uid) {
    return Status(Code::kFailedPrecondition,
                  fmt::format("container has runAsNonRoot and image has non-numeric user ({}), "
                              "cannot verify user is non-root {}",
                              user.name, where));
  }
  return Status::Ok();
}

runtime::oci::Resources ResourcesOf(const json::object& container) {
  runtime::oci::Resources resources;
  auto read = [&](std::string_view section, std::string_view name)
      -> std::optional<registry::core::Quantity> {
    const json::object* map = ObjectAt(container, section);
    const json::value* value = map ? map->if_contains(name) : nullptr;
    return value ? registry::core::QuantityOf(*value) : std::nullopt;
  };
  constexpr registry::core::QuantityInt kNano = 1'000'000'000;
  if (auto memory = read("resources.limits", "memory")) {
    resources.memory_limit = static_cast<int64_t>(memory->nanos / kNano);
  }
  if (auto cpu = read("resources.limits", "cpu")) {
    int64_t millis = static_cast<int64_t>((cpu->nanos + 999'999) / 1'000'000);
    resources.cpu_quota = std::max<int64_t>(1000, millis * kCpuPeriod / 1000);
    resources.cpu_period = kCpuPeriod;
  }
  auto request = read("resources.requests", "cpu");
  if (!request) request = read("resources.limits", "cpu");  // a limit alone is also the request
  int64_t millis = request ? static_cast<int64_t>((request->nanos + 999'999) / 1'000'000) : 0;
  resources.cpu_shares = static_cast<uint64_t>(std::max<int64_t>(kMinShares, millis * 1024 / 1000));
  return resources;
}

std::string DownwardFieldValue(const json::object& pod, const std::string& path,
                               const Sandbox& sandbox) {
  if (path == "status.podIP") return sandbox.ip;
  if (path == "status.hostIP") return sandbox.host_ip;
  if (path.starts_with("metadata.labels['") || path.starts_with("metadata.annotations['")) {
    bool labels = path.starts_with("metadata.labels");
    std::string key = path.substr(path.find("['") + 2);
    key = key.substr(0, key.find("']"));
    const json::object* map = ObjectAt(pod, labels ? "metadata.labels" : "metadata.annotations");
    const json::value* value = map ? map->if_contains(key) : nullptr;
    return value && value->is_string() ? std::string(value->get_string()) : "";
  }
  return StringAt(pod, path);
}

Result<std::string> ResourceFieldValue(const json::object& pod, const json::object& container,
                                  const json::object& ref, const EnvSources& sources) {
  const json::object* target = &container;
  if (std::string name = StringAt(ref, "containerName"); !name.empty()) {
    target = nullptr;
    const json::object* spec = ObjectAt(pod, "spec");
    for (const char* list : {"containers", "initContainers"}) {
      const json::array* items = spec ? ArrayAt(*spec, list) : nullptr;
      if (items == nullptr) continue;
      for (const json::value& item : *items) {
        if (item.is_object() && StringAt(item.get_object(), "name") == name) {
          target = &item.get_object();
        }
      }
    }
    if (target == nullptr) {
      return Status(Code::kInvalidArgument, fmt::format("container {} not found", name));
    }
  }
  const std::string resource = StringAt(ref, "resource");
  const size_t dot = resource.find('.');
  if (dot == std::string::npos) {
    return Status(Code::kInvalidArgument, fmt::format("unsupported resource {}", resource));
  }
  const std::string section = "resources." + resource.substr(0, dot);
  const std::string name = resource.substr(dot + 1);
  const bool cpu = name == "cpu";
  if (!cpu && name != "memory" && name != "ephemeral-storage") {
    return Status(Code::kInvalidArgument, fmt::format("unsupported resource {}", resource));
  }
  constexpr registry::core::QuantityInt kNano = 1'000'000'000;
  registry::core::QuantityInt amount = 0;
  const json::object* map = ObjectAt(*target, section);
  const json::value* given = map ? map->if_contains(name) : nullptr;
  if (auto quantity = given ? registry::core::QuantityOf(*given) : std::nullopt) {
    amount = quantity->nanos;
  } else if (section == "resources.limits") {
    amount = static_cast<registry::core::QuantityInt>(cpu ? sources.node_cpus
                                                          : sources.node_memory_bytes) *
             kNano;
  }
  registry::core::QuantityInt divisor = kNano;
  if (const json::value* text = ref.if_contains("divisor")) {
    auto parsed = registry::core::QuantityOf(*text);
    if (parsed && parsed->nanos > 0) divisor = parsed->nanos;
  }
  registry::core::QuantityInt units = (amount + divisor - 1) / divisor;
  return std::to_string(static_cast<int64_t>(units));
}

namespace {

// One key of a ConfigMap or Secret; an optional reference to what is missing yields nullopt.
Result<std::optional<std::string>> KeyValue(const json::object& ref, ConfigSource::Kind kind,
                                            const std::string& name_space,
                                            const EnvSources& sources) {
  const bool optional = ref.contains("optional") && ref.at("optional").is_bool() &&
                        ref.at("optional").get_bool();
  const bool secret = kind == ConfigSource::Kind::kSecret;
  const std::string name = StringAt(ref, "name");
  const std::string key = StringAt(ref, "key");
  if (sources.config == nullptr) {
    return Status(Code::kUnavailable, "ConfigMaps and Secrets cannot be read on this node");
  }
  auto data = sources.config->Data(kind, name_space, name);
  if (!data.ok()) {
    if (optional && data.status().code() == Code::kNotFound) return std::optional<std::string>();
    return data.status();
  }
  auto it = data->find(key);
  if (it == data->end()) {
    if (optional) return std::optional<std::string>();
    return Status(Code::kNotFound,
                  fmt::format("couldn't find key {} in {} {}/{}", key,
                              secret ? "Secret" : "ConfigMap", name_space, name));
  }
  return std::optional<std::string>(it->second);
}

}  // namespace

Result<std::vector<std::string>> Environment(const json::object& pod, const json::object& container,
                                             const Sandbox& sandbox, const EnvSources& sources) {
  const std::string name_space = StringAt(pod, "metadata.namespace");
  // Later definitions replace earlier ones but keep their place, as the kubelet orders them.
  std::vector<std::string> order;
  std::map<std::string, std::string> vars;
  auto set = [&](const std::string& name, std::string value) {
    if (!vars.contains(name)) order.push_back(name);
    vars[name] = std::move(value);
  };
  if (const json::array* list = ArrayAt(container, "envFrom")) {
    for (const json::value& item : *list) {
      if (!item.is_object()) continue;
      const json::object& from = item.get_object();
      const std::string prefix = StringAt(from, "prefix");
      const json::object* ref = ObjectAt(from, "configMapRef");
      auto kind = ConfigSource::Kind::kConfigMap;
      if (ref == nullptr) {
        ref = ObjectAt(from, "secretRef");
        kind = ConfigSource::Kind::kSecret;
      }
      if (ref == nullptr) continue;
      if (sources.config == nullptr) {
        return Status(Code::kUnavailable, "ConfigMaps and Secrets cannot be read on this node");
      }
      auto data = sources.config->Data(kind, name_space, StringAt(*ref, "name"));
      if (!data.ok()) {
        bool optional = ref->contains("optional") && ref->at("optional").is_bool() &&
                        ref->at("optional").get_bool();
        if (optional && data.status().code() == Code::kNotFound) continue;
        return data.status();
      }
      for (auto& [key, value] : *data) {
        set(prefix + key, value);
      }
    }
  }
  if (const json::array* list = ArrayAt(container, "env")) {
    for (const json::value& item : *list) {
      if (!item.is_object()) continue;
      const json::object& var = item.get_object();
      std::string name = StringAt(var, "name");
      if (var.contains("value")) {
        set(name, Expand(StringAt(var, "value"), vars));
      } else if (const json::object* field = ObjectAt(var, "valueFrom.fieldRef")) {
        set(name, DownwardFieldValue(pod, StringAt(*field, "fieldPath"), sandbox));
      } else if (const json::object* resource = ObjectAt(var, "valueFrom.resourceFieldRef")) {
        MINI_ASSIGN_OR_RETURN(std::string value,
                              ResourceFieldValue(pod, container, *resource, sources));
        set(name, std::move(value));
      } else if (const json::object* ref = ObjectAt(var, "valueFrom.configMapKeyRef")) {
        MINI_ASSIGN_OR_RETURN(auto value,
                              KeyValue(*ref, ConfigSource::Kind::kConfigMap, name_space, sources));
        if (value) set(name, std::move(*value));
      } else if (const json::object* secret = ObjectAt(var, "valueFrom.secretKeyRef")) {
        MINI_ASSIGN_OR_RETURN(auto value,
                              KeyValue(*secret, ConfigSource::Kind::kSecret, name_space, sources));
        if (value) set(name, std::move(*value));
      } else {
        set(name, "");
      }
    }
  }
  std::vector<std::string> env;
  env.reserve(order.size());
  for (const std::string& name : order) env.push_back(name + "=" + vars[name]);
  return env;
}

Result<runtime::oci::ContainerConfig> ContainerConfigFor(const json::object& pod,
                                                         const json::object& container,
                                                         const Sandbox& sandbox,
                                                         const runtime::image::ImageConfig& image,
                                                         const std::filesystem::path& container_dir,
                                                         const EnvSources& sources) {
  runtime::oci::ContainerConfig config;
  MINI_ASSIGN_OR_RETURN(config.env, Environment(pod, container, sandbox, sources));
  std::map<std::string, std::string> vars;
  for (const std::string& entry : config.env) {
    vars[entry.substr(0, entry.find('='))] = entry.substr(entry.find('=') + 1);
  }
  std::vector<std::string> command, args;
  for (const std::string& part : StringList(container, "command")) command.push_back(Expand(part, vars));
  for (const std::string& part : StringList(container, "args")) args.push_back(Expand(part, vars));
  config.args = runtime::containers::ResolveCommand(command, args, image);
  config.cwd = StringAt(container, "workingDir");
  config.hostname = StringAt(pod, "spec.hostname").empty() ? StringAt(pod, "metadata.name")
                                                           : StringAt(pod, "spec.hostname");
  config.network_namespace = sandbox.netns.string();
  config.resources = ResourcesOf(container);

  // Security: the container's context over the pod's, then the image's user.
  MINI_RETURN_IF_ERROR(VerifyRunAsNonRoot(pod, container, image));
  const json::object* security = ObjectAt(container, "securityContext");
  const std::optional<int64_t> run_as_user = SecurityId(pod, container, "runAsUser");
  const std::optional<int64_t> run_as_group = SecurityId(pod, container, "runAsGroup");
  if (run_as_user) {
    config.uid = static_cast<uint32_t>(*run_as_user);
  } else {
    ImageUser user = ParseImageUser(image.user);
    config.uid = user.uid.value_or(0);
    config.user_name = user.name;
    if (!run_as_group) {
      config.gid = user.gid.value_or(0);
      config.gid_given = user.gid.has_value();
      config.group_name = user.group;
    }
  }
  if (run_as_group) {
    config.gid = static_cast<uint32_t>(*run_as_group);
    config.gid_given = true;
  }
  if (security) {
    config.privileged = security->contains("privileged") && security->at("privileged").is_bool() &&
                        security->at("privileged").get_bool();
    config.read_only_root = security->contains("readOnlyRootFilesystem") &&
                            security->at("readOnlyRootFilesystem").is_bool() &&
                            security->at("readOnlyRootFilesystem").get_bool();
    if (const json::value* escalation = security->if_contains("allowPrivilegeEscalation");
        escalation && escalation->is_bool()) {
      config.no_new_privileges = !escalation->get_bool();
    }
    if (const json::object* caps = ObjectAt(*security, "capabilities")) {
      config.capabilities_add = StringList(*caps, "add");
      config.capabilities_drop = StringList(*caps, "drop");
    }
  }

  // The pod's shared files, and the termination message file of this container.
  config.mounts.push_back(Bind("/etc/hosts", sandbox.dir / "etc-hosts", false));
  config.mounts.push_back(Bind("/etc/resolv.conf", sandbox.dir / "resolv.conf", false));
  config.mounts.push_back(Bind("/etc/hostname", sandbox.dir / "hostname", false));
  std::string message_path = StringAt(container, "terminationMessagePath");
  if (message_path.empty()) message_path = "/dev/termination-log";
  config.mounts.push_back(Bind(message_path, container_dir / "termination-log", false));

  if (const json::array* mounts = ArrayAt(container, "volumeMounts")) {
    for (const json::value& item : *mounts) {
      if (!item.is_object()) continue;
      const json::object& mount = item.get_object();
      std::string name = StringAt(mount, "name");
      std::filesystem::path source = sandbox.dir / "volumes" / name;
      if (!std::filesystem::exists(source)) {
        return Status(Code::kInvalidArgument, fmt::format("volume {:?} is not prepared", name));
      }
      std::string sub_path = StringAt(mount, "subPath");
      if (std::string expr = StringAt(mount, "subPathExpr"); !expr.empty()) {
        sub_path = Expand(expr, vars);
      }
      if (!sub_path.empty()) {
        auto resolved = volumes::ResolveSubPath(source, sub_path);
        if (!resolved.ok()) {
          return Status(resolved.status().code(),
                        fmt::format("failed to prepare subPath for volumeMount {:?} of container "
                                    "{:?}: {}",
                                    name, StringAt(container, "name"),
                                    resolved.status().message()));
        }
        source = *resolved;
      }
      bool read_only = (mount.contains("readOnly") && mount.at("readOnly").is_bool() &&
                        mount.at("readOnly").get_bool()) ||
                       volumes::IsReadOnlyVolume(pod, name);
      config.mounts.push_back(Bind(StringAt(mount, "mountPath"), source, read_only));
    }
  }
  return config;
}

}  // namespace mini::cluster::kubelet::pods
