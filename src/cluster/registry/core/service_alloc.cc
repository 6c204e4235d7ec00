#include "cluster/registry/core/service_alloc.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

// Long enough for any create to have reached the store or failed.
constexpr std::chrono::seconds kPendingFor{60};

std::string GoStrings(const json::value* list) {
  std::string out = "[]string{";
  if (list && list->is_array()) {
    bool first = true;
    for (const json::value& item : list->get_array()) {
      out += first ? "" : ", ";
      first = false;
      out += json::serialize(item.is_string() ? item : json::value(""));
    }
  }
  return out + "}";
}

FieldError ClusterIpError(const json::object& spec, std::string_view ip, std::string problem) {
  FieldError error =
      Invalid("spec.clusterIPs", nullptr, fmt::format("failed to allocate IP {}: {}", ip, problem));
  error.value_text = GoStrings(spec.if_contains("clusterIPs"));
  return error;
}

Status Refuse(const json::object& service, FieldError error) {
  return InvalidError({"", "services", "Service", StringAt(service, "metadata.name")}, {error});
}

bool NeedsNodePorts(const json::object& spec) {
  std::string type = StringField(spec, "type");
  if (type == "NodePort") return true;
  if (type != "LoadBalancer") return false;
  const json::value* allocate = spec.if_contains("allocateLoadBalancerNodePorts");
  return allocate == nullptr || !allocate->is_bool() || allocate->get_bool();
}

template <typename Key>
void Expire(std::map<Key, std::chrono::steady_clock::time_point>& pending) {
  auto now = std::chrono::steady_clock::now();
  for (auto it = pending.begin(); it != pending.end();) {
    it = it->second < now ? pending.erase(it) : std::next(it);
  }
}

}  // namespace

std::string FormatIPv4(uint32_t address) {
  return fmt::format("{}.{}.{}.{}", address >> 24, (address >> 16) & 255, (address >> 8) & 255,
                     address & 255);
}

bool ParseIPv4(std::string_view text, uint32_t& address) {
  if (!IsIPv4(text)) return false;
  address = 0;
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.', start);
    uint32_t part = 0;
    for (char c : text.substr(start, dot - start))
      part = part * 10 + static_cast<uint32_t>(c - '0');
    address = (address << 8) | part;
    start = dot + 1;
  }
  return true;
}

Result<ServiceAllocator::Taken> ServiceAllocator::Collect(const json::object& self) {
  Taken taken;
  Expire(pending_ips_);
  Expire(pending_ports_);
  for (const auto& [ip, until] : pending_ips_) taken.ips.insert(ip);
  for (const auto& [port, until] : pending_ports_) taken.node_ports.insert(port);
  if (!context_.list_all) return taken;
  auto services = context_.list_all("", "services");
  if (!services.ok()) return services.status();
  std::string namespace_name = StringAt(self, "metadata.namespace");
  std::string name = StringAt(self, "metadata.name");
  for (const json::object& service : *services) {
    if (StringAt(service, "metadata.namespace") == namespace_name &&
        StringAt(service, "metadata.name") == name) {
      continue;
    }
    const json::object* spec = ObjectField(service, "spec");
    if (spec == nullptr) continue;
    if (const json::array* ips = ArrayField(*spec, "clusterIPs")) {
      for (const json::value& ip : *ips) {
        uint32_t address = 0;
        if (ip.is_string() && ParseIPv4(ip.get_string(), address)) taken.ips.insert(address);
      }
    }
    uint32_t address = 0;
    if (ParseIPv4(StringField(*spec, "clusterIP"), address)) taken.ips.insert(address);
    if (const json::array* ports = ArrayField(*spec, "ports")) {
      for (const json::value& port : *ports) {
        int64_t node_port = 0;
        if (port.is_object() && IntField(port.get_object(), "nodePort", node_port) &&
            node_port != 0) {
          taken.node_ports.insert(node_port);
        }
      }
    }
    int64_t health = 0;
    if (IntField(*spec, "healthCheckNodePort", health) && health != 0) {
      taken.node_ports.insert(health);
    }
  }
  return taken;
}

Status ServiceAllocator::Allocate(json::object& service, const json::object* old) {
  json::object& spec = EnsureObject(service, "spec");
  std::string type = StringField(spec, "type");
  if (type == "ExternalName") {
    for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
      spec.erase(field);
    }
    return Status::Ok();
  }

  std::lock_guard<std::mutex> lock(mu_);
  Result<Taken> taken_or = Collect(service);
  if (!taken_or.ok()) return InternalError(taken_or.status());
  Taken& taken = *taken_or;
  auto deadline = std::chrono::steady_clock::now() + kPendingFor;
  bool is_kubernetes = StringAt(service, "metadata.namespace") == "default" &&
                       StringAt(service, "metadata.name") == "kubernetes";
  const uint32_t first_host = kServiceNetwork + 1;
  // The first address belongs to the `kubernetes` Service, whoever asks.
  if (!is_kubernetes) taken.ips.insert(first_host);

  std::string requested = StringField(spec, "clusterIP");
  const json::object* old_spec = old ? ObjectField(*old, "spec") : nullptr;
  std::string previous = old_spec ? StringField(*old_spec, "clusterIP") : "";
  bool keep = old_spec && !requested.empty() && requested == previous;
  if (requested == "None") {
    spec["clusterIPs"] = json::array{"None"};
  } else if (!keep) {
    uint32_t address = 0;
    if (requested.empty()) {
      bool found = false;
      for (uint32_t candidate = is_kubernetes ? first_host : first_host + 1;
           candidate < kServiceNetwork + kServiceNetworkSize - 1; ++candidate) {
        if (taken.ips.count(candidate) == 0) {
          address = candidate;
          found = true;
          break;
        }
      }
      if (!found) {
        return InternalError(
            Status(Code::kResourceExhausted, "failed to allocate a serviceIP: range is full"));
      }
    } else if (!ParseIPv4(requested, address) || address <= kServiceNetwork ||
               address >= kServiceNetwork + kServiceNetworkSize - 1) {
      return Refuse(service, ClusterIpError(spec, requested,
                                            fmt::format("the provided IP ({}) is not in the valid "
                                                        "range. The range of valid IPs is {}",
                                                        requested, kServiceCidr)));
    } else if (taken.ips.count(address) != 0) {
      return Refuse(service, ClusterIpError(spec, requested, "provided IP is already allocated"));
    }
    std::string ip = FormatIPv4(address);
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = json::array{json::string(ip)};
    pending_ips_[address] = deadline;
  }
  if (requested == "None") spec["clusterIP"] = "None";
  if (!spec.contains("ipFamilies") || !spec["ipFamilies"].is_array() ||
      spec["ipFamilies"].get_array().empty()) {
    spec["ipFamilies"] = json::array{"IPv4"};
  }
  DefaultString(spec, "ipFamilyPolicy", "SingleStack");

  // Node ports this service already holds stay its own.
  std::set<int64_t> own;
  if (old_spec) {
    if (const json::array* ports = ArrayField(*old_spec, "ports")) {
      for (const json::value& port : *ports) {
        int64_t node_port = 0;
        if (port.is_object() && IntField(port.get_object(), "nodePort", node_port)) {
          own.insert(node_port);
        }
      }
    }
  }
  auto next_free = [&taken]() -> int64_t {
    for (int64_t port = kNodePortMin; port <= kNodePortMax; ++port) {
      if (taken.node_ports.count(port) == 0) return port;
    }
    return 0;
  };
  auto claim = [&](int64_t port, const std::string& path) -> Status {
    if (own.count(port) != 0) {
      taken.node_ports.insert(port);
      return Status::Ok();
    }
    if (port < kNodePortMin || port > kNodePortMax) {
      return Refuse(service, Invalid(path, port,
                                     fmt::format("provided port is not in the valid range. The "
                                                 "range of valid ports is {}-{}",
                                                 kNodePortMin, kNodePortMax)));
    }
    if (taken.node_ports.count(port) != 0) {
      return Refuse(service, Invalid(path, port, "provided port is already allocated"));
    }
    taken.node_ports.insert(port);
    pending_ports_[port] = deadline;
    return Status::Ok();
  };

  json::value* ports = spec.if_contains("ports");
  if (NeedsNodePorts(spec) && ports && ports->is_array()) {
    json::array& list = ports->get_array();
    std::map<int64_t, int64_t> by_port;  // TCP and UDP of one port number share a node port
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_object()) continue;
      int64_t node_port = 0;
      int64_t port = 0;
      IntField(list[i].get_object(), "port", port);
      if (IntField(list[i].get_object(), "nodePort", node_port) && node_port != 0) {
        if (by_port.count(port) != 0 && by_port[port] == node_port) continue;
        MINI_RETURN_IF_ERROR(claim(node_port, Child(Index("spec.ports", i), "nodePort")));
        by_port[port] = node_port;
      }
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_object()) continue;
      int64_t node_port = 0;
      if (IntField(list[i].get_object(), "nodePort", node_port) && node_port != 0) continue;
      int64_t port = 0;
      IntField(list[i].get_object(), "port", port);
      auto shared = by_port.find(port);
      if (shared != by_port.end()) {
        list[i].get_object()["nodePort"] = shared->second;
        continue;
      }
      int64_t chosen = next_free();
      if (chosen == 0) {
        return InternalError(
            Status(Code::kResourceExhausted, "failed to allocate a nodePort: range is full"));
      }
      MINI_RETURN_IF_ERROR(claim(chosen, Child(Index("spec.ports", i), "nodePort")));
      list[i].get_object()["nodePort"] = chosen;
      by_port[port] = chosen;
    }
  }

  if (type == "LoadBalancer" && StringField(spec, "externalTrafficPolicy") == "Local") {
    int64_t health = 0;
    int64_t old_health = 0;
    if (old_spec) IntField(*old_spec, "healthCheckNodePort", old_health);
    if (old_health != 0) own.insert(old_health);
    if (!IntField(spec, "healthCheckNodePort", health) || health == 0) {
      health = next_free();
      if (health == 0) {
        return InternalError(
            Status(Code::kResourceExhausted, "failed to allocate a nodePort: range is full"));
      }
    }
    MINI_RETURN_IF_ERROR(claim(health, "spec.healthCheckNodePort"));
    spec["healthCheckNodePort"] = health;
  }
  return Status::Ok();
}

}  // namespace mini::cluster::registry::core
