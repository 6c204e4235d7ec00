#include "cluster/kubelet/network/host_ports.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <sstream>
#include <system_error>

#include "cluster/registry/printing.h"
#include "common/command.h"
#include "common/files.h"
#include "net/nftables.h"

namespace mini::cluster::kubelet::network {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

int32_t PortField(const json::object& port, std::string_view key) {
  const json::value* value = port.if_contains(key);
  if (value == nullptr || !(value->is_int64() || value->is_uint64())) return 0;
  int64_t number = value->to_number<int64_t>();
  return number > 0 && number <= 65535 ? static_cast<int32_t>(number) : 0;
}

// The map is created before anything names it, so every batch can stand alone.
std::string MapDeclaration(const std::string& table) {
  return fmt::format(
      "add table ip {0}\n"
      "add map ip {0} hostports {{ type inet_proto . inet_service : ipv4_addr . inet_service; }}\n",
      table);
}

std::string Keys(const std::vector<PortMapping>& ports) {
  std::string out;
  for (const PortMapping& port : ports) {
    out += fmt::format("{}{} . {}", out.empty() ? "" : ", ", port.protocol, port.host_port);
  }
  return out;
}

}  // namespace

std::vector<PortMapping> PortMappingsOf(const json::object& pod) {
  std::vector<PortMapping> out;
  const json::object* spec = registry::ObjectAt(pod, "spec");
  if (spec == nullptr) return out;
  if (const json::value* host = spec->if_contains("hostNetwork");
      host && host->is_bool() && host->get_bool()) {
    return out;
  }
  const json::value* containers = spec->if_contains("containers");
  if (containers == nullptr || !containers->is_array()) return out;
  for (const json::value& container : containers->get_array()) {
    const json::value* ports =
        container.is_object() ? container.get_object().if_contains("ports") : nullptr;
    if (ports == nullptr || !ports->is_array()) continue;
    for (const json::value& item : ports->get_array()) {
      if (!item.is_object()) continue;
      const json::object& port = item.get_object();
      PortMapping mapping;
      mapping.host_port = PortField(port, "hostPort");
      mapping.container_port = PortField(port, "containerPort");
      if (mapping.host_port == 0 || mapping.container_port == 0) continue;
      std::string protocol = registry::StringAt(port, "protocol");
      if (protocol.empty() || protocol == "TCP") {
        mapping.protocol = "tcp";
      } else if (protocol == "UDP") {
        mapping.protocol = "udp";
      } else if (protocol == "SCTP") {
        mapping.protocol = "sctp";
      } else {
        continue;  // validation admits no other protocol
      }
      out.push_back(std::move(mapping));
    }
  }
  return out;
}

std::string HostPortBaseRules(const std::string& table) {
  // Only what is addressed to the node itself is forwarded: traffic passing through to a pod
  // or a Service keeps its destination. The output hook serves connections made on the node.
  std::string text = MapDeclaration(table);
  text += fmt::format(
      "add chain ip {0} hostports-prerouting {{ type nat hook prerouting priority dstnat; "
      "policy accept; }}\n"
      "add chain ip {0} hostports-output {{ type nat hook output priority -100; "
      "policy accept; }}\n"
      "flush chain ip {0} hostports-prerouting\n"
      "flush chain ip {0} hostports-output\n",
      table);
  for (const char* chain : {"hostports-prerouting", "hostports-output"}) {
    text += fmt::format(
        "add rule ip {} {} fib daddr type local dnat ip to meta l4proto . th dport map "
        "@hostports\n",
        table, chain);
  }
  return text;
}

std::string AddHostPortRules(const std::string& table, const std::string& pod_ip,
                             const std::vector<PortMapping>& ports) {
  std::string text = MapDeclaration(table);
  if (ports.empty()) return text;
  std::string elements;
  for (const PortMapping& port : ports) {
    elements += fmt::format("{}{} . {} : {} . {}", elements.empty() ? "" : ", ", port.protocol,
                            port.host_port, pod_ip, port.container_port);
  }
  return text + fmt::format("add element ip {} hostports {{ {} }}\n", table, elements);
}

std::string DeleteHostPortRules(const std::string& table, const std::string& pod_ip,
                                const std::vector<PortMapping>& ports) {
  if (ports.empty()) return MapDeclaration(table);
  // nft refuses to delete what is not there, and to add a key it holds with another value;
  // adding the very forwards first makes the removal succeed either way, and never take
  // another pod's.
  return AddHostPortRules(table, pod_ip, ports) +
         fmt::format("delete element ip {} hostports {{ {} }}\n", table, Keys(ports));
}

std::string FormatHostPortRecord(const HostPortRecord& record) {
  std::string text = record.pod_ip + "\n";
  for (const PortMapping& port : record.ports) {
    text += fmt::format("{} {} {}\n", port.protocol, port.host_port, port.container_port);
  }
  return text;
}

Result<HostPortRecord> ParseHostPortRecord(const std::string& text) {
  HostPortRecord record;
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line.empty() ||
      line.find_first_not_of("0123456789.") != std::string::npos) {
    return Status(Code::kInvalidArgument,
                  fmt::format("bad hostPort record: the first line {:?} is not a pod IP", line));
  }
  record.pod_ip = line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    PortMapping port;
    std::string rest;
    if (!(fields >> port.protocol >> port.host_port >> port.container_port) || (fields >> rest) ||
        (port.protocol != "tcp" && port.protocol != "udp" && port.protocol != "sctp") ||
        port.host_port <= 0 || port.host_port > 65535 || port.container_port <= 0 ||
        port.container_port > 65535) {
      return Status(Code::kInvalidArgument,
                    fmt::format("bad hostPort record {:?}: want \"<tcp|udp|sctp> <hostPort> "
                                "<containerPort>\"",
                                line));
    }
    record.ports.push_back(std::move(port));
  }
  return record;
}

std::map<std::string, HostPortRecord> ReadHostPortRecords(const fs::path& state_dir) {
  std::map<std::string, HostPortRecord> records;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(state_dir / "hostports", error)) {
    const std::string id = entry.path().filename().string();
    if (id.find(".tmp-") != std::string::npos) continue;  // an atomic write's temporary file
    auto text = ReadFile(entry.path());
    auto record = text.ok() ? ParseHostPortRecord(*text) : Result<HostPortRecord>(text.status());
    if (record.ok()) records.emplace(id, std::move(*record));
  }
  return records;
}

Status RemoveRecordedHostPorts(const fs::path& state_dir, const std::string& table) {
  std::error_code error;
  auto listed = RunCommand({"nft", "list", "map", "ip", table, "hostports"});
  const bool have_map = listed.ok() && listed->exit_code == 0;
  for (const auto& [id, record] : ReadHostPortRecords(state_dir)) {
    if (have_map) {
      MINI_RETURN_IF_ERROR(net::RunNftBatch(state_dir / "batch-hostports-cleanup",
                                            DeleteHostPortRules(table, record.pod_ip, record.ports))
                               .WithContext("removing the hostPorts of pod sandbox {}", id));
    }
    fs::remove(state_dir / "hostports" / id, error);
  }
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::network
