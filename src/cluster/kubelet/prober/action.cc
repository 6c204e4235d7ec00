#include "cluster/kubelet/prober/action.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/registry/printing.h"

namespace mini::cluster::kubelet::prober {
namespace json = boost::json;
using registry::IntAt;
using registry::ObjectAt;
using registry::StringAt;

namespace {

Result<uint16_t> ResolvePort(const json::object& action, const json::object& container) {
  const json::value* port = action.if_contains("port");
  if (port && port->is_int64() && port->get_int64() > 0 && port->get_int64() <= 65535) {
    return static_cast<uint16_t>(port->get_int64());
  }
  if (port && port->is_string()) {
    const std::string name(port->get_string());
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit) && name.size() <= 5) {
      int number = std::stoi(name);
      if (number > 0 && number <= 65535) return static_cast<uint16_t>(number);
    }
    const json::value* ports = container.if_contains("ports");
    if (ports && ports->is_array()) {
      for (const json::value& item : ports->get_array()) {
        if (item.is_object() && StringAt(item.get_object(), "name") == name) {
          int64_t number = IntAt(item.get_object(), "containerPort");
          if (number > 0 && number <= 65535) return static_cast<uint16_t>(number);
        }
      }
    }
    return Status(Code::kInvalidArgument, fmt::format("port {:?} is not a port of container {:?}",
                                                      name, StringAt(container, "name")));
  }
  return Status(Code::kInvalidArgument,
                "a probe's port must be a number in 1-65535 or a port name");
}

std::vector<std::string> Strings(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  const json::value* list = object.if_contains(key);
  if (!list || !list->is_array()) return out;
  for (const json::value& item : list->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

}  // namespace

Result<Action> ParseAction(const json::object& handler, const json::object& container) {
  Action action;
  if (const json::object* exec = ObjectAt(handler, "exec")) {
    action.kind = Action::Kind::kExec;
    action.command = Strings(*exec, "command");
    if (action.command.empty()) return Status(Code::kInvalidArgument, "exec has no command");
  } else if (const json::object* get = ObjectAt(handler, "httpGet")) {
    action.kind = Action::Kind::kHttpGet;
    MINI_ASSIGN_OR_RETURN(action.port, ResolvePort(*get, container));
    action.host = StringAt(*get, "host");
    action.path = StringAt(*get, "path", "/");
    if (!action.path.starts_with('/')) action.path = "/" + action.path;
    std::string scheme = StringAt(*get, "scheme", "HTTP");
    if (scheme != "HTTP" && scheme != "HTTPS") {
      return Status(Code::kInvalidArgument, fmt::format("unknown scheme {:?}", scheme));
    }
    action.https = scheme == "HTTPS";
    const json::value* headers = get->if_contains("httpHeaders");
    if (headers && headers->is_array()) {
      for (const json::value& item : headers->get_array()) {
        if (!item.is_object()) continue;
        action.headers.emplace_back(StringAt(item.get_object(), "name"),
                                    StringAt(item.get_object(), "value"));
      }
    }
  } else if (const json::object* tcp = ObjectAt(handler, "tcpSocket")) {
    action.kind = Action::Kind::kTcpSocket;
    MINI_ASSIGN_OR_RETURN(action.port, ResolvePort(*tcp, container));
    action.host = StringAt(*tcp, "host");
  } else if (const json::object* sleep = ObjectAt(handler, "sleep")) {
    action.kind = Action::Kind::kSleep;
    action.sleep = std::chrono::seconds(std::max<int64_t>(0, IntAt(*sleep, "seconds")));
  } else if (handler.contains("grpc")) {
    return Status(Code::kUnimplemented, "gRPC probes are not supported");
  } else {
    return Status(Code::kInvalidArgument, "no exec, httpGet, tcpSocket or sleep action");
  }
  return action;
}

Result<ProbeSpec> ParseProbe(const json::object& probe, const json::object& container) {
  ProbeSpec spec;
  MINI_ASSIGN_OR_RETURN(spec.action, ParseAction(probe, container));
  if (spec.action.kind == Action::Kind::kSleep) {
    return Status(Code::kInvalidArgument, "sleep is a lifecycle hook action, not a probe");
  }
  auto at_least = [&](std::string_view key, int64_t fallback, int64_t minimum) {
    return std::max(minimum, IntAt(probe, key, fallback));
  };
  spec.initial_delay = std::chrono::seconds(at_least("initialDelaySeconds", 0, 0));
  spec.period = std::chrono::seconds(at_least("periodSeconds", 10, 1));
  spec.timeout = std::chrono::seconds(at_least("timeoutSeconds", 1, 1));
  spec.success_threshold = static_cast<int>(at_least("successThreshold", 1, 1));
  spec.failure_threshold = static_cast<int>(at_least("failureThreshold", 3, 1));
  if (probe.contains("terminationGracePeriodSeconds")) {
    spec.termination_grace = std::chrono::seconds(at_least("terminationGracePeriodSeconds", 0, 0));
  }
  return spec;
}

}  // namespace mini::cluster::kubelet::prober
