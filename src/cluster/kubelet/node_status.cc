#include "cluster/kubelet/node_status.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"

namespace mini::cluster::kubelet {
namespace json = boost::json;

namespace {

// Kubernetes' default hard eviction thresholds: what the kubelet keeps back from pods.
constexpr int64_t kMemoryReserve = 100 * 1024 * 1024;  // memory.available<100Mi
constexpr int64_t kStoragePercentReserve = 10;         // nodefs.available<10%
constexpr int64_t kPidPercentReserve = 10;

struct Condition {
  const char* type;
  bool status;
  const char* reason;
  std::string message;
};

json::object ConditionJson(const Condition& condition, const json::array& previous,
                           const std::string& now) {
  std::string status = condition.status ? "True" : "False";
  std::string transition = now;
  for (const json::value& old : previous) {
    const json::object* fields = old.if_object();
    if (fields == nullptr) continue;
    const json::value* type = fields->if_contains("type");
    const json::value* was = fields->if_contains("status");
    const json::value* since = fields->if_contains("lastTransitionTime");
    if (type && type->is_string() && type->get_string() == condition.type && was &&
        was->is_string() && was->get_string() == status && since && since->is_string()) {
      transition = std::string(since->get_string());
    }
  }
  return json::object{{"type", condition.type},
                      {"status", status},
                      {"lastHeartbeatTime", now},
                      {"lastTransitionTime", transition},
                      {"reason", condition.reason},
                      {"message", condition.message}};
}

std::string Kibibytes(int64_t bytes) { return fmt::format("{}Ki", bytes / 1024); }

json::object Resources(const NodeConfig& config, const MachineInfo& machine, bool allocatable) {
  int64_t memory = machine.memory_bytes;
  int64_t storage = machine.storage_bytes;
  json::object resources{{"cpu", std::to_string(machine.cpus)},
                         {"hugepages-1Gi", "0"},
                         {"hugepages-2Mi", "0"},
                         {"pods", std::to_string(config.max_pods)}};
  if (allocatable) {
    resources["memory"] = Kibibytes(std::max<int64_t>(0, memory - kMemoryReserve));
    resources["ephemeral-storage"] = std::to_string(storage - storage * kStoragePercentReserve / 100);
  } else {
    resources["memory"] = Kibibytes(memory);
    resources["ephemeral-storage"] = Kibibytes(storage);
  }
  return resources;
}

}  // namespace

json::object NewNode(const NodeConfig& config) {
  json::object labels{{"kubernetes.io/hostname", config.name},
                      {"kubernetes.io/os", "linux"},
                      {"kubernetes.io/arch", "amd64"},
                      {"beta.kubernetes.io/os", "linux"},
                      {"beta.kubernetes.io/arch", "amd64"},
                      {"node-role.kubernetes.io/control-plane", ""},
                      {"node.kubernetes.io/exclude-from-external-load-balancers", ""}};
  json::object annotations{{"node.alpha.kubernetes.io/ttl", "0"},
                           {"volumes.kubernetes.io/controller-managed-attach-detach", "true"}};
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", json::object{{"name", config.name},
                                {"labels", std::move(labels)},
                                {"annotations", std::move(annotations)}}},
      {"spec", json::object{{"podCIDR", config.pod_cidr},
                            {"podCIDRs", json::array{json::string(config.pod_cidr)}}}}};
}

json::object NodeStatus(const NodeConfig& config, const MachineInfo& machine,
                        const RuntimeState& runtime, const json::array& previous,
                        std::chrono::system_clock::time_point now) {
  const std::string time = mini::api::meta::Rfc3339(now);
  const bool memory_pressure = machine.memory_available_bytes < kMemoryReserve;
  const bool disk_pressure =
      machine.storage_available_bytes * 100 < machine.storage_bytes * kStoragePercentReserve;
  const bool pid_pressure =
      machine.pid_max > 0 &&
      (machine.pid_max - machine.processes) * 100 < machine.pid_max * kPidPercentReserve;
  const Condition conditions[] = {
      {"MemoryPressure", memory_pressure,
       memory_pressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
       memory_pressure ? "kubelet has insufficient memory available"
                       : "kubelet has sufficient memory available"},
      {"DiskPressure", disk_pressure,
       disk_pressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
       disk_pressure ? "kubelet has disk pressure" : "kubelet has no disk pressure"},
      {"PIDPressure", pid_pressure,
       pid_pressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
       pid_pressure ? "kubelet has insufficient PID available"
                    : "kubelet has sufficient PID available"},
      {"Ready", runtime.ready, runtime.ready ? "KubeletReady" : "KubeletNotReady",
       runtime.ready ? "kubelet is posting ready status" : runtime.message},
  };
  json::array condition_list;
  for (const Condition& condition : conditions) {
    condition_list.push_back(ConditionJson(condition, previous, time));
  }
  json::object node_info{{"machineID", machine.machine_id},
                         {"systemUUID", machine.system_uuid},
                         {"bootID", machine.boot_id},
                         {"kernelVersion", machine.kernel_version},
                         {"osImage", machine.os_image},
                         {"containerRuntimeVersion", config.runtime_version},
                         {"kubeletVersion", config.kubelet_version},
                         {"kubeProxyVersion", ""},
                         {"operatingSystem", "linux"},
                         {"architecture", "amd64"}};
  return json::object{
      {"capacity", Resources(config, machine, false)},
      {"allocatable", Resources(config, machine, true)},
      {"conditions", std::move(condition_list)},
      {"addresses", json::array{json::object{{"type", "InternalIP"}, {"address", config.internal_ip}},
                                json::object{{"type", "Hostname"}, {"address", config.name}}}},
      {"daemonEndpoints",
       json::object{{"kubeletEndpoint", json::object{{"Port", config.kubelet_port}}}}},
      {"nodeInfo", std::move(node_info)}};
}

bool StatusChanged(const json::object& before, const json::object& after) {
  auto without_heartbeats = [](json::object status) {
    if (json::value* conditions = status.if_contains("conditions"); conditions && conditions->is_array()) {
      for (json::value& condition : conditions->as_array()) {
        if (condition.is_object()) condition.as_object().erase("lastHeartbeatTime");
      }
    }
    return status;
  };
  return without_heartbeats(before) != without_heartbeats(after);
}

}  // namespace mini::cluster::kubelet
