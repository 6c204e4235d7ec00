#include "cluster/registry/core/endpoints.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/service_alloc.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

// Addresses a Service may not send traffic to, as upstream refuses them.
void ValidateNonSpecialIp(const std::string& ip, const std::string& path, FieldErrors& errors) {
  uint32_t address = 0;
  if (!ParseIPv4(ip, address)) return;
  if (address == 0) {
    errors.push_back(
        Invalid(path, json::string(ip), fmt::format("may not be unspecified ({})", ip)));
  }
  if ((address >> 24) == 127) {
    errors.push_back(
        Invalid(path, json::string(ip), "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  }
  if ((address >> 16) == ((169u << 8) | 254u)) {
    errors.push_back(Invalid(path, json::string(ip),
                             "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  if ((address >> 8) == ((224u << 16))) {
    errors.push_back(Invalid(path, json::string(ip),
                             "may not be in the link-local multicast range (224.0.0.0/24, "
                             "ff02::/10)"));
  }
}

void ValidateAddress(const json::object& address, const std::string& path, FieldErrors& errors) {
  std::string ip = StringField(address, "ip");
  if (!IsIP(ip)) {
    errors.push_back(Invalid(Child(path, "ip"), json::string(ip),
                             "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
  }
  std::string hostname = StringField(address, "hostname");
  if (!hostname.empty()) ValidateDns1123Label(hostname, Child(path, "hostname"), errors);
  std::string node = StringField(address, "nodeName");
  if (!node.empty()) ValidateDns1123Subdomain(node, Child(path, "nodeName"), errors);
  if (!IsIP(ip)) {
    errors.push_back(Invalid(Child(path, "ip"), json::string(ip), "must be a valid IP address"));
  } else {
    ValidateNonSpecialIp(ip, Child(path, "ip"), errors);
  }
}

std::string EndpointsCell(const json::object& object) {
  const json::array* subsets = ArrayField(object, "subsets");
  if (subsets == nullptr || subsets->empty()) return "<none>";
  constexpr size_t kMax = 3;
  std::vector<std::string> shown;
  size_t count = 0;
  for (const json::value& subset_value : *subsets) {
    if (!subset_value.is_object()) continue;
    const json::object& subset = subset_value.get_object();
    const json::array* addresses = ArrayField(subset, "addresses");
    size_t address_count = addresses ? addresses->size() : 0;
    const json::array* ports = ArrayField(subset, "ports");
    auto ip_of = [&](size_t i) {
      return (*addresses)[i].is_object() ? StringField((*addresses)[i].get_object(), "ip") : "";
    };
    if (ports == nullptr || ports->empty()) {
      // Headless services may have addresses without ports.
      count += address_count;
      for (size_t i = 0; i < address_count && shown.size() < kMax; ++i) shown.push_back(ip_of(i));
      continue;
    }
    for (const json::value& port : *ports) {
      int64_t number = 0;
      if (port.is_object()) IntField(port.get_object(), "port", number);
      count += address_count;
      for (size_t i = 0; i < address_count && shown.size() < kMax; ++i) {
        std::string ip = ip_of(i);
        shown.push_back(ip.find(':') != std::string::npos ? fmt::format("[{}]:{}", ip, number)
                                                          : fmt::format("{}:{}", ip, number));
      }
    }
  }
  std::string out;
  for (const std::string& item : shown) out += (out.empty() ? "" : ",") + item;
  if (count > kMax) out += fmt::format(" + {} more...", count - kMax);
  return out;
}

class EndpointsStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::value* subsets = object.if_contains("subsets");
    if (subsets == nullptr || !subsets->is_array()) return;
    for (json::value& subset : subsets->get_array()) {
      if (!subset.is_object()) continue;
      json::value* ports = subset.get_object().if_contains("ports");
      if (ports == nullptr || !ports->is_array()) continue;
      for (json::value& port : ports->get_array()) {
        if (port.is_object()) DefaultString(port.get_object(), "protocol", "TCP");
      }
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::array* subsets = ArrayField(object, "subsets");
    for (size_t i = 0; subsets && i < subsets->size(); ++i) {
      if (!(*subsets)[i].is_object()) continue;
      const json::object& subset = (*subsets)[i].get_object();
      std::string at = Index("subsets", i);
      const json::array* ready = ArrayField(subset, "addresses");
      const json::array* not_ready = ArrayField(subset, "notReadyAddresses");
      if ((ready == nullptr || ready->empty()) && (not_ready == nullptr || not_ready->empty())) {
        errors.push_back(Required(at, "must specify `addresses` or `notReadyAddresses`"));
      }
      for (const auto& [list, name] :
           {std::pair{ready, "addresses"}, std::pair{not_ready, "notReadyAddresses"}}) {
        for (size_t j = 0; list && j < list->size(); ++j) {
          if ((*list)[j].is_object()) {
            ValidateAddress((*list)[j].get_object(), Index(Child(at, name), j), errors);
          }
        }
      }
      const json::array* ports = ArrayField(subset, "ports");
      for (size_t j = 0; ports && j < ports->size(); ++j) {
        if (!(*ports)[j].is_object()) continue;
        const json::object& port = (*ports)[j].get_object();
        std::string port_path = Index(Child(at, "ports"), j);
        std::string name = StringField(port, "name");
        if (ports->size() > 1 && name.empty()) {
          errors.push_back(Required(Child(port_path, "name")));
        } else if (!name.empty()) {
          ValidateDns1123Label(name, Child(port_path, "name"), errors);
        }
        int64_t number = 0;
        IntField(port, "port", number);
        AddInvalid(errors, Child(port_path, "port"), number, IsValidPortNum(number));
        ValidateEnum(StringField(port, "protocol"), Child(port_path, "protocol"),
                     {"SCTP", "TCP", "UDP"}, errors);
      }
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Endpoints", "string", "", "The addresses and ports of the endpoints.", 0},
            {"Age", "string", "", "Time since the Endpoints were created.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")), json::string(EndpointsCell(object)),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewEndpointsStrategy(const StrategyContext&) {
  return std::make_unique<EndpointsStrategy>();
}

}  // namespace mini::cluster::registry::core
