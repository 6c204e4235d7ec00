#include "cluster/registry/networking/networkpolicy.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <optional>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::networking {
namespace json = boost::json;
using core::Child;
using core::Index;

namespace {

struct Cidr {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> address{};
  int prefix = 0;
};

std::optional<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string ip(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  Cidr cidr;
  cidr.family = ip.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (inet_pton(cidr.family, ip.c_str(), cidr.address.data()) != 1) return std::nullopt;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), cidr.prefix);
  int max = cidr.family == AF_INET ? 32 : 128;
  if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || cidr.prefix < 0 ||
      cidr.prefix > max) {
    return std::nullopt;
  }
  return cidr;
}

// Whether `inner` lies inside `outer` and is strictly smaller.
bool StrictSubset(const Cidr& outer, const Cidr& inner) {
  if (outer.family != inner.family || outer.prefix >= inner.prefix) return false;
  for (int bit = 0; bit < outer.prefix; ++bit) {
    int mask = 0x80 >> (bit % 8);
    if ((outer.address[bit / 8] & mask) != (inner.address[bit / 8] & mask)) return false;
  }
  return true;
}

void ValidateCidr(const std::string& value, const std::string& path, FieldErrors& errors) {
  if (!ParseCidr(value)) {
    errors.push_back(Invalid(path, json::string(value),
                             "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
  }
}

void ValidateIpBlock(const json::object& block, const std::string& path, FieldErrors& errors) {
  std::string cidr = core::StringField(block, "cidr");
  if (cidr.empty()) {
    errors.push_back(Required(Child(path, "cidr")));
    return;
  }
  ValidateCidr(cidr, Child(path, "cidr"), errors);
  std::optional<Cidr> outer = ParseCidr(cidr);
  const json::array* except = core::ArrayField(block, "except");
  if (!outer || except == nullptr) return;
  for (size_t i = 0; i < except->size(); ++i) {
    std::string value = (*except)[i].is_string() ? std::string((*except)[i].get_string()) : "";
    std::string at = Index(Child(path, "except"), i);
    ValidateCidr(value, at, errors);
    std::optional<Cidr> inner = ParseCidr(value);
    if (inner && !StrictSubset(*outer, *inner)) {
      errors.push_back(Invalid(at, json::string(value), "must be a strict subset of `cidr`"));
    }
  }
}

void ValidatePeer(const json::object& peer, const std::string& path, FieldErrors& errors) {
  int peers = 0;
  for (const char* key : {"podSelector", "namespaceSelector"}) {
    const json::value* selector = peer.if_contains(key);
    if (selector == nullptr || selector->is_null()) continue;
    ++peers;
    apps::ValidateLabelSelector(selector, Child(path, key), errors);
  }
  const json::object* block = core::ObjectField(peer, "ipBlock");
  if (block != nullptr) {
    ++peers;
    ValidateIpBlock(*block, Child(path, "ipBlock"), errors);
  }
  if (peers == 0) {
    errors.push_back(Required(path, "must specify a peer"));
  } else if (peers > 1 && block != nullptr) {
    errors.push_back(Forbidden(path, "may not specify both ipBlock and another peer"));
  }
}

void ValidatePort(const json::object& port, const std::string& path, FieldErrors& errors) {
  if (const json::value* protocol = port.if_contains("protocol");
      protocol != nullptr && protocol->is_string()) {
    std::string_view value = protocol->get_string();
    if (value != "TCP" && value != "UDP" && value != "SCTP") {
      errors.push_back(NotSupported(Child(path, "protocol"), *protocol, {"TCP", "UDP", "SCTP"}));
    }
  }
  const json::value* number = port.if_contains("port");
  int64_t end = 0;
  bool has_end = core::IntField(port, "endPort", end);
  if (number == nullptr || number->is_null()) {
    if (has_end) {
      errors.push_back(Invalid(Child(path, "endPort"), end,
                               "may not be specified when `port` is not specified"));
    }
  } else if (number->is_string()) {
    if (has_end) {
      errors.push_back(
          Invalid(Child(path, "endPort"), end, "may not be specified when `port` is non-numeric"));
    }
    core::AddInvalid(errors, Child(path, "port"), *number,
                     core::IsValidPortName(number->get_string()));
  } else {
    int64_t value = number->is_int64() ? number->get_int64() : 0;
    core::AddInvalid(errors, Child(path, "port"), value, core::IsValidPortNum(value));
    if (has_end) {
      if (end < value) {
        errors.push_back(
            Invalid(Child(path, "endPort"), value, "must be greater than or equal to `port`"));
      }
      core::AddInvalid(errors, Child(path, "endPort"), end, core::IsValidPortNum(end));
    }
  }
}

void ValidateRules(const json::object& spec, const char* direction, const char* peers_key,
                   FieldErrors& errors) {
  const json::array* rules = core::ArrayField(spec, direction);
  if (rules == nullptr) return;
  for (size_t i = 0; i < rules->size(); ++i) {
    const json::object* rule = (*rules)[i].if_object();
    if (rule == nullptr) continue;
    std::string at = Index(Child("spec", direction), i);
    if (const json::array* ports = core::ArrayField(*rule, "ports")) {
      for (size_t j = 0; j < ports->size(); ++j) {
        if (const json::object* port = (*ports)[j].if_object()) {
          ValidatePort(*port, Index(Child(at, "ports"), j), errors);
        }
      }
    }
    if (const json::array* peers = core::ArrayField(*rule, peers_key)) {
      for (size_t j = 0; j < peers->size(); ++j) {
        if (const json::object* peer = (*peers)[j].if_object()) {
          ValidatePeer(*peer, Index(Child(at, peers_key), j), errors);
        }
      }
    }
  }
}

void ValidatePolicyTypes(const json::object& spec, FieldErrors& errors) {
  const json::array* types = core::ArrayField(spec, "policyTypes");
  if (types == nullptr) return;
  if (types->size() > 2) {
    std::string shown = "[]networking.PolicyType{";
    for (size_t i = 0; i < types->size(); ++i) {
      std::string value = (*types)[i].is_string() ? std::string((*types)[i].get_string()) : "";
      shown += (i == 0 ? "" : ", ") + apps::GoQuote(value);
    }
    errors.push_back(apps::InvalidGo("spec.policyTypes", shown + "}",
                                     "may not specify more than two policyTypes"));
    return;
  }
  for (size_t i = 0; i < types->size(); ++i) {
    std::string value = (*types)[i].is_string() ? std::string((*types)[i].get_string()) : "";
    if (value != "Ingress" && value != "Egress") {
      errors.push_back(
          NotSupported(Index("spec.policyTypes", i), json::string(value), {"Ingress", "Egress"}));
    }
  }
}

void DefaultPorts(json::object& spec, const char* direction) {
  json::value* rules = spec.if_contains(direction);
  if (rules == nullptr || !rules->is_array()) return;
  for (json::value& rule : rules->get_array()) {
    json::value* ports = rule.is_object() ? rule.get_object().if_contains("ports") : nullptr;
    if (ports == nullptr || !ports->is_array()) continue;
    for (json::value& port : ports->get_array()) {
      if (port.is_object()) apps::SetIfAbsent(port.get_object(), "protocol", "TCP");
    }
  }
}

class NetworkPolicyStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    DefaultPorts(spec, "ingress");
    DefaultPorts(spec, "egress");
    const json::array* types = core::ArrayField(spec, "policyTypes");
    if (types == nullptr || types->empty()) {
      // A policy that names no direction restricts incoming traffic, and outgoing traffic too
      // when it lists egress rules.
      json::array defaulted = {"Ingress"};
      const json::array* egress = core::ArrayField(spec, "egress");
      if (egress != nullptr && !egress->empty()) defaulted.push_back("Egress");
      spec["policyTypes"] = std::move(defaulted);
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = ObjectAt(object, "spec");
    if (spec == nullptr) spec = &kEmpty;
    apps::ValidateLabelSelector(spec->if_contains("podSelector"), "spec.podSelector", errors);
    ValidateRules(*spec, "ingress", "from", errors);
    ValidateRules(*spec, "egress", "to", errors);
    ValidatePolicyTypes(*spec, errors);
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Pod-Selector", "string", "", "The pods the policy applies to.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(apps::FormatSelector(apps::ValueAt(object, "spec.podSelector"))),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewNetworkPolicyStrategy() {
  return std::make_unique<NetworkPolicyStrategy>();
}

}  // namespace mini::cluster::registry::networking
