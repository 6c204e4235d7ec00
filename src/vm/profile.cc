#include "vm/profile.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/files.h"
#include "common/json.h"

namespace mini::vm {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::array ToArray(const std::vector<std::string>& values) {
  return json::array(values.begin(), values.end());
}

// An optional array of strings; kInvalidArgument naming `key` for anything else.
Result<std::vector<std::string>> GetStrings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return Error(Code::kInvalidArgument, "\"{}\" is not an array", key);
  }
  for (const json::value& item : v->get_array()) {
    if (!item.is_string()) {
      return Error(Code::kInvalidArgument, "\"{}\" holds a value that is not a string", key);
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

// Field names follow minikube's config.json so the file reads familiarly.
json::value ToJson(const ClusterConfig& c) {
  return {{"Name", c.name},
          {"Driver", c.driver},
          {"CPUs", c.cpus},
          {"Memory", c.memory_mb},
          {"DiskSize", c.disk_size_mb},
          {"APIServerPort", c.apiserver_port},
          {"KubernetesConfig", {{"KubernetesVersion", c.kubernetes_version}}},
          {"Datastore",
           {{"Endpoint", c.datastore},
            {"CAFile", c.datastore_ca_file},
            {"CertFile", c.datastore_cert_file},
            {"KeyFile", c.datastore_key_file}}},
          {"RegistryMirror", ToArray(c.registry_mirrors)},
          {"InsecureRegistry", ToArray(c.insecure_registries)},
          {"ExposedPorts", ToArray(c.ports)},
          {"Mounts", ToArray(c.mounts)},
          {"KVMQemuURI", c.kvm_qemu_uri},
          {"Network", c.network},
          {"KVMNetwork", c.kvm_network},
          {"Nodes", json::array{{{"Name", c.name},
                                 {"IP", c.node_ip},
                                 {"Port", c.apiserver_port},
                                 {"ControlPlane", true},
                                 {"Worker", true}}}}};
}

Result<ClusterConfig> FromJson(const json::value& v) {
  if (!v.is_object()) {
    return Error(Code::kInvalidArgument, "the top level is not an object");
  }
  const auto& o = v.get_object();
  ClusterConfig c;
  MINI_ASSIGN_OR_RETURN(c.name, GetString(o, "Name"));
  MINI_ASSIGN_OR_RETURN(c.driver, GetString(o, "Driver"));
  MINI_ASSIGN_OR_RETURN(int64_t cpus, GetInt(o, "CPUs"));
  MINI_ASSIGN_OR_RETURN(c.memory_mb, GetInt(o, "Memory"));
  MINI_ASSIGN_OR_RETURN(c.disk_size_mb, GetInt(o, "DiskSize"));
  MINI_ASSIGN_OR_RETURN(int64_t port, GetInt(o, "APIServerPort"));
  if (cpus < 1 || port < 1 || port > 65535) {
    return Error(Code::kInvalidArgument, "CPUs or APIServerPort is out of range");
  }
  c.cpus = static_cast<int>(cpus);
  c.apiserver_port = static_cast<uint16_t>(port);
  if (const auto* k = o.if_contains("KubernetesConfig"); k != nullptr && k->is_object()) {
    MINI_ASSIGN_OR_RETURN(c.kubernetes_version, GetString(k->get_object(), "KubernetesVersion"));
  }
  if (const auto* d = o.if_contains("Datastore"); d != nullptr && d->is_object()) {
    const auto& ds = d->get_object();
    MINI_ASSIGN_OR_RETURN(c.datastore, GetString(ds, "Endpoint"));
    MINI_ASSIGN_OR_RETURN(c.datastore_ca_file, GetString(ds, "CAFile"));
    MINI_ASSIGN_OR_RETURN(c.datastore_cert_file, GetString(ds, "CertFile"));
    MINI_ASSIGN_OR_RETURN(c.datastore_key_file, GetString(ds, "KeyFile"));
  }
  MINI_ASSIGN_OR_RETURN(c.registry_mirrors, GetStrings(o, "RegistryMirror"));
  MINI_ASSIGN_OR_RETURN(c.insecure_registries, GetStrings(o, "InsecureRegistry"));
  MINI_ASSIGN_OR_RETURN(c.ports, GetStrings(o, "ExposedPorts"));
  MINI_ASSIGN_OR_RETURN(c.mounts, GetStrings(o, "Mounts"));
  for (auto [key, out] :
       {std::pair{"KVMQemuURI", &c.kvm_qemu_uri}, std::pair{"Network", &c.network},
        std::pair{"KVMNetwork", &c.kvm_network}}) {
    if (const auto* s = o.if_contains(key); s != nullptr && s->is_string()) *out = s->get_string();
  }
  if (const auto* nodes = o.if_contains("Nodes"); nodes != nullptr && nodes->is_array() &&
                                                  !nodes->get_array().empty() &&
                                                  nodes->get_array()[0].is_object()) {
    MINI_ASSIGN_OR_RETURN(c.node_ip, GetString(nodes->get_array()[0].get_object(), "IP"));
  }
  return c;
}
}  // namespace

Status ValidateProfileName(const std::string& name) {
  auto allowed = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  };
  if (name.empty() || name.size() > 63 || !std::isalnum(static_cast<unsigned char>(name[0])) ||
      !std::all_of(name.begin(), name.end(), allowed)) {
    return Error(Code::kInvalidArgument, "invalid profile name \"{}\"", name)
        .WithAdvice("use 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit")
        .WithReason("MK_USAGE");
  }
  return Status::Ok();
}

bool ProfileExists(const Home& home, const std::string& name) {
  std::error_code ec;
  return fs::exists(home.ProfileConfig(name), ec);
}

Result<ClusterConfig> LoadProfile(const Home& home, const std::string& name) {
  MINI_RETURN_IF_ERROR(ValidateProfileName(name));
  fs::path file = home.ProfileConfig(name);
  auto text = ReadFile(file);
  if (!text.ok() && text.status().code() == Code::kNotFound) {
    return Error(Code::kNotFound, "profile \"{}\" not found", name)
        .WithAdvice("run \"mini profile list\" to view all profiles, or \"mini start -p " + name +
                    "\" to create it")
        .WithReason("GUEST_PROFILE_NOT_FOUND");
  }
  MINI_RETURN_IF_ERROR(text.status());
  auto recover = fmt::format("fix the file, or run \"mini delete -p {}\" to start afresh", name);
  auto parsed = ParseJson(*text, file.string());
  if (!parsed.ok()) {
    return parsed.status().WithAdvice(recover).WithReason("MK_CONFIG_CORRUPT");
  }
  auto config = FromJson(*parsed);
  if (!config.ok()) {
    return config.status()
        .WithContext("profile file {} is damaged", file.string())
        .WithAdvice(recover)
        .WithReason("MK_CONFIG_CORRUPT");
  }
  config->name = name;
  return config;
}

Status SaveProfile(const Home& home, const ClusterConfig& config) {
  MINI_RETURN_IF_ERROR(ValidateProfileName(config.name));
  MINI_RETURN_IF_ERROR(MakeDirs(home.ProfileDir(config.name)));
  return AtomicWriteFile(home.ProfileConfig(config.name), PrettyJson(ToJson(config)), 0600)
      .WithReason("HOST_HOME_WRITE");
}

std::vector<std::string> ListProfiles(const Home& home) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home.ProfilesDir(), ec)) {
    if (entry.is_directory() && ValidateProfileName(entry.path().filename()).ok()) {
      names.push_back(entry.path().filename());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace mini::vm
