// What one container of a pod runs with, decided from the pod spec the way the kubelet does:
// command and arguments over the image's, environment (values, field and resource references,
// ConfigMap and Secret keys, envFrom; the service environment to come), working directory, user and capabilities from the security contexts,
// cgroup limits from resources, and the pod's shared files (/etc/hosts, /etc/resolv.conf,
// /etc/hostname, the termination log) and volumes mounted in.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "cluster/kubelet/pods/config_source.h"
#include "cluster/runtime/image/init_layer.h"
#include "cluster/runtime/image/manifest.h"
#include "cluster/runtime/oci/spec.h"
#include "common/status.h"

namespace mini::cluster::kubelet::pods {

/// Where a pod's sandbox lives on the node.
struct Sandbox {
  std::string ip;
  std::filesystem::path netns;  // empty for hostNetwork pods
  std::filesystem::path dir;    // the pod's directory: etc-hosts, resolv.conf, volumes/
  std::string host_ip;
};

/// The mount points nearly every container gets: the pod's shared files, the service
/// account token's directory (Kubernetes' fixed path) and the runtime's /proc, /sys and /dev.
/// The node makes them once per image (runtime::image::InitLayers).
std::vector<runtime::image::MountPoint> CommonMountPoints();

/// Where environment values come from beyond the pod itself.
struct EnvSources {
  ConfigSource* config = nullptr;  // nullptr: references to ConfigMaps and Secrets fail
  int64_t node_cpus = 0;           // what resourceFieldRef reports for a limit left unset
  int64_t node_memory_bytes = 0;
};

/// The container's environment: envFrom first, then env, which wins; $(VAR) expanded from the
/// variables before it. kNotFound naming the ConfigMap, Secret or key a required reference
/// misses (the kubelet's CreateContainerConfigError).
Result<std::vector<std::string>> Environment(const boost::json::object& pod,
                                             const boost::json::object& container,
                                             const Sandbox& sandbox, const EnvSources& sources);

/// The value of a fieldRef's path (metadata.name, metadata.labels['key'], status.podIP...).
std::string DownwardFieldValue(const boost::json::object& pod, const std::string& path,
                               const Sandbox& sandbox);

/// A resourceFieldRef: the request or limit of `container` (or of the one the reference names)
/// in units of the divisor, rounded up, the node's capacity standing in for an unset limit.
Result<std::string> ResourceFieldValue(const boost::json::object& pod,
                                       const boost::json::object& container,
                                       const boost::json::object& ref, const EnvSources& sources);

/// The OCI configuration of `container` (an element of spec.containers or initContainers).
/// Volume mounts name directories under sandbox.dir/volumes/<name>. kInvalidArgument for what
/// cannot run (a volume mount naming no volume, a capability no kernel has).
Result<runtime::oci::ContainerConfig> ContainerConfigFor(const boost::json::object& pod,
                                                         const boost::json::object& container,
                                                         const Sandbox& sandbox,
                                                         const runtime::image::ImageConfig& image,
                                                         const std::filesystem::path& container_dir,
                                                         const EnvSources& sources = {});

/// The user an image's config names ("1000", "1000:1000", "app", "app:staff"): numbers are
/// taken as they are, names are left for the runtime to look up in the container's root.
struct ImageUser {
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::string name;   // the user part when it is not a number
  std::string group;  // the group part when it is not a number
};
ImageUser ParseImageUser(const std::string& user);

/// The kubelet's runAsNonRoot check, the container's securityContext over the pod's:
/// kFailedPrecondition in the kubelet's words when the container would run as root, or as a
/// named user whose uid cannot be known before it runs.
Status VerifyRunAsNonRoot(const boost::json::object& pod, const boost::json::object& container,
                          const runtime::image::ImageConfig& image);

/// The cgroup limits of a container's resources (cpu shares from the request, quota from the
/// limit, memory limit), as the kubelet sets them.
runtime::oci::Resources ResourcesOf(const boost::json::object& container);

}  // namespace mini::cluster::kubelet::pods
