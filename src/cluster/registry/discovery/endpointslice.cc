#include "cluster/registry/discovery/endpointslice.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::discovery {
namespace json = boost::json;
namespace meta = mini::api::meta;
using core::Child;
using core::Index;

namespace {

constexpr size_t kMaxEndpoints = 1000;
constexpr size_t kMaxAddresses = 100;
constexpr size_t kMaxPorts = 20000;
constexpr size_t kMaxTopologyLabels = 16;
constexpr size_t kMaxZoneHints = 8;

void ValidateAddress(const std::string& address, const std::string& type, const std::string& path,
                     FieldErrors& errors) {
  json::string value(address);
  if (type == "IPv4" || type == "IPv6") {
    if (!core::IsIP(address)) {
      errors.push_back(
          Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    } else if (type == "IPv4" && !core::IsIPv4(address)) {
      errors.push_back(Invalid(path, value, "must be an IPv4 address"));
    } else if (type == "IPv6" && core::IsIPv4(address)) {
      errors.push_back(Invalid(path, value, "must be an IPv6 address"));
    }
  } else if (type == "FQDN") {
    std::string name = address;
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (name.empty()) {
      errors.push_back(Required(path));
      return;
    }
    core::AddInvalid(errors, path, value, meta::IsDns1123Subdomain(name));
    if (name.find('.') == std::string::npos) {
      errors.push_back(
          Invalid(path, value, "should be a domain with at least two segments separated by dots"));
    }
  }
}

void ValidateHints(const json::object& hints, const std::string& path, FieldErrors& errors) {
  const json::array* zones = core::ArrayField(hints, "forZones");
  if (zones == nullptr) return;
  std::string at = Child(path, "forZones");
  if (zones->size() > kMaxZoneHints) {
    errors.push_back(TooMany(at, zones->size(), kMaxZoneHints));
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < zones->size(); ++i) {
    std::string zone =
        (*zones)[i].is_object() ? core::StringField((*zones)[i].get_object(), "name") : "";
    if (!seen.insert(zone).second) errors.push_back(Duplicate(Index(at, i), json::string(zone)));
  }
}

void ValidateEndpoints(const json::object& slice, const std::string& type, FieldErrors& errors) {
  const json::array* endpoints = core::ArrayField(slice, "endpoints");
  if (endpoints == nullptr) return;
  if (endpoints->size() > kMaxEndpoints) {
    errors.push_back(TooMany("endpoints", endpoints->size(), kMaxEndpoints));
    return;
  }
  for (size_t i = 0; i < endpoints->size(); ++i) {
    const json::object* endpoint = (*endpoints)[i].if_object();
    if (endpoint == nullptr) continue;
    std::string at = Index("endpoints", i);
    std::string addresses_at = Child(at, "addresses");
    const json::array* addresses = core::ArrayField(*endpoint, "addresses");
    if (addresses == nullptr || addresses->empty()) {
      errors.push_back(Required(addresses_at, "must contain at least 1 address"));
    } else if (addresses->size() > kMaxAddresses) {
      errors.push_back(TooMany(addresses_at, addresses->size(), kMaxAddresses));
    }
    if (addresses != nullptr) {
      for (size_t j = 0; j < addresses->size(); ++j) {
        std::string address =
            (*addresses)[j].is_string() ? std::string((*addresses)[j].get_string()) : "";
        ValidateAddress(address, type, Index(addresses_at, j), errors);
      }
    }
    if (const json::value* node = endpoint->if_contains("nodeName");
        node != nullptr && node->is_string()) {
      core::ValidateDns1123Subdomain(node->get_string(), Child(at, "nodeName"), errors);
    }
    const json::object* topology = core::ObjectField(*endpoint, "deprecatedTopology");
    if (topology != nullptr && topology->size() > kMaxTopologyLabels) {
      errors.push_back(
          TooMany(Child(at, "deprecatedTopology"), topology->size(), kMaxTopologyLabels));
    }
    core::ValidateLabels(topology, Child(at, "deprecatedTopology"), errors);
    if (const json::value* hostname = endpoint->if_contains("hostname");
        hostname != nullptr && hostname->is_string()) {
      core::ValidateDns1123Label(hostname->get_string(), Child(at, "hostname"), errors);
    }
    if (const json::object* hints = core::ObjectField(*endpoint, "hints")) {
      ValidateHints(*hints, Child(at, "hints"), errors);
    }
  }
}

void ValidatePorts(const json::object& slice, FieldErrors& errors) {
  const json::array* ports = core::ArrayField(slice, "ports");
  if (ports == nullptr) return;
  if (ports->size() > kMaxPorts) {
    errors.push_back(TooMany("ports", ports->size(), kMaxPorts));
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < ports->size(); ++i) {
    const json::object* port = (*ports)[i].if_object();
    if (port == nullptr) continue;
    std::string at = Index("ports", i);
    std::string name = core::StringField(*port, "name");
    if (!name.empty()) core::ValidateDns1123Label(name, Child(at, "name"), errors);
    if (!names.insert(name).second) {
      errors.push_back(Duplicate(Child(at, "name"), json::string(name)));
    }
    const json::value* protocol = port->if_contains("protocol");
    if (protocol == nullptr || protocol->is_null()) {
      errors.push_back(Required(Child(at, "protocol")));
    } else if (!protocol->is_string() ||
               (protocol->get_string() != "TCP" && protocol->get_string() != "UDP" &&
                protocol->get_string() != "SCTP")) {
      errors.push_back(NotSupported(Child(at, "protocol"), *protocol, {"SCTP", "TCP", "UDP"}));
    }
    if (const json::value* app = port->if_contains("appProtocol");
        app != nullptr && app->is_string()) {
      core::ValidateQualifiedName(app->get_string(), Child(at, "appProtocol"), errors);
    }
  }
}

// The first three items joined by ",", then "+ N more..."; "<unset>" for none.
std::string ListWithMore(const std::vector<std::string>& items, size_t count) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < 3; ++i) text += (i == 0 ? "" : ",") + items[i];
  if (count > 3) return fmt::format("{} + {} more...", text, count - 3);
  return text.empty() ? "<unset>" : text;
}

std::string Ports(const json::object& slice) {
  std::vector<std::string> items;
  const json::array* ports = core::ArrayField(slice, "ports");
  if (ports == nullptr) return ListWithMore(items, 0);
  for (const json::value& item : *ports) {
    const json::object* port = item.if_object();
    int64_t number = 0;
    if (port != nullptr && core::IntField(*port, "port", number)) {
      items.push_back(std::to_string(number));
    } else if (port != nullptr && port->contains("name") && port->at("name").is_string()) {
      items.push_back(std::string(port->at("name").get_string()));
    } else {
      items.push_back("*");
    }
  }
  return ListWithMore(items, ports->size());
}

std::string Endpoints(const json::object& slice) {
  std::vector<std::string> items;
  size_t count = 0;
  const json::array* endpoints = core::ArrayField(slice, "endpoints");
  if (endpoints == nullptr) return ListWithMore(items, 0);
  for (const json::value& item : *endpoints) {
    const json::array* addresses =
        item.is_object() ? core::ArrayField(item.get_object(), "addresses") : nullptr;
    if (addresses == nullptr) continue;
    for (const json::value& address : *addresses) {
      if (address.is_string()) items.emplace_back(address.get_string());
      ++count;
    }
  }
  return ListWithMore(items, count);
}

FieldErrors ValidateSlice(const json::object& object) {
  FieldErrors errors;
  const json::value* type_value = object.if_contains("addressType");
  std::string type =
      type_value != nullptr && type_value->is_string() ? std::string(type_value->get_string()) : "";
  if (type.empty()) {
    errors.push_back(Required("addressType"));
  } else if (type != "IPv4" && type != "IPv6" && type != "FQDN") {
    errors.push_back(NotSupported("addressType", json::string(type), {"FQDN", "IPv4", "IPv6"}));
  }
  ValidateEndpoints(object, type, errors);
  ValidatePorts(object, errors);
  return errors;
}

class EndpointSliceStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::value* ports = object.if_contains("ports");
    if (ports == nullptr || !ports->is_array()) return;
    for (json::value& port : ports->get_array()) {
      if (!port.is_object()) continue;
      apps::SetIfAbsent(port.get_object(), "name", "");
      apps::SetIfAbsent(port.get_object(), "protocol", "TCP");
    }
  }

  FieldErrors Validate(const json::object& object) const override { return ValidateSlice(object); }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = ValidateSlice(object);
    apps::ValidateImmutable(object.if_contains("addressType"), old.if_contains("addressType"),
                            "addressType", errors);
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"AddressType", "string", "", "The kind of addresses in the slice.", 0},
            {"Ports", "string", "", "Ports the endpoints expose.", 0},
            {"Endpoints", "string", "", "Addresses of the endpoints.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(core::StringField(object, "addressType")), json::string(Ports(object)),
            json::string(Endpoints(object)), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewEndpointSliceStrategy() {
  return std::make_unique<EndpointSliceStrategy>();
}

}  // namespace mini::cluster::registry::discovery
