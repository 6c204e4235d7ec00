#include "cluster/kubelet/pods/container_config.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"
#include "cluster/runtime/containers/container_manager.h"

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

// The downward values a fieldRef can name.
std::string FieldValue(const json::object& pod, const std::string& path, const Sandbox& sandbox) {
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

Result<std::vector<std::string>> Environment(const json::object& pod, const json::object& container,
                                             const Sandbox& sandbox) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> env;
  if (const json::array* list = ArrayAt(container, "env")) {
    for (const json::value& item : *list) {
      if (!item.is_object()) continue;
      const json::object& var = item.get_object();
      std::string name = StringAt(var, "name");
      std::string value;
      if (var.contains("value")) {
        value = Expand(StringAt(var, "value"), vars);
      } else if (const json::object* field = ObjectAt(var, "valueFrom.fieldRef")) {
        value = FieldValue(pod, StringAt(*field, "fieldPath"), sandbox);
      } else if (var.contains("valueFrom")) {
        return Status(Code::kUnimplemented,
                      fmt::format("env {}: only values and fieldRef are supported yet", name));
      }
      vars[name] = value;
      env.push_back(name + "=" + value);
    }
  }
  return env;
}

runtime::oci::Mount Bind(std::string destination, std::filesystem::path source, bool read_only) {
  std::vector<std::string> options = {"rbind", "rprivate"};
  if (read_only) options.push_back("ro");
  return {std::move(destination), source.string(), "bind", std::move(options)};
}

}  // namespace

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

Result<runtime::oci::ContainerConfig> ContainerConfigFor(const json::object& pod,
                                                         const json::object& container,
                                                         const Sandbox& sandbox,
                                                         const runtime::image::ImageConfig& image,
                                                         const std::filesystem::path& container_dir) {
  runtime::oci::ContainerConfig config;
  MINI_ASSIGN_OR_RETURN(config.env, Environment(pod, container, sandbox));
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

  // Security: the container's context over the pod's.
  const json::object* pod_security = ObjectAt(pod, "spec.securityContext");
  const json::object* security = ObjectAt(container, "securityContext");
  auto user_field = [&](std::string_view key) -> std::optional<int64_t> {
    for (const json::object* context : {security, pod_security}) {
      const json::value* value = context ? context->if_contains(key) : nullptr;
      if (value && (value->is_int64() || value->is_uint64())) return value->to_number<int64_t>();
    }
    return std::nullopt;
  };
  if (auto uid = user_field("runAsUser")) {
    config.uid = static_cast<uint32_t>(*uid);
  } else if (!image.user.empty() && std::all_of(image.user.begin(), image.user.end(), ::isdigit)) {
    config.uid = static_cast<uint32_t>(std::stoul(image.user));
  }
  if (auto gid = user_field("runAsGroup")) config.gid = static_cast<uint32_t>(*gid);
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
      if (!sub_path.empty()) source /= sub_path;
      bool read_only = mount.contains("readOnly") && mount.at("readOnly").is_bool() &&
                       mount.at("readOnly").get_bool();
      config.mounts.push_back(Bind(StringAt(mount, "mountPath"), source, read_only));
    }
  }
  return config;
}

}  // namespace mini::cluster::kubelet::pods
