#include "cluster/registry/networking/ingress.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/networking/references.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::networking {
namespace json = boost::json;
namespace meta = mini::api::meta;
using core::Child;
using core::Index;

namespace {

constexpr const char* kClassAnnotation = "kubernetes.io/ingress.class";

void ValidateServiceBackend(const json::object& service, const std::string& path,
                            FieldErrors& errors) {
  std::string name = core::StringField(service, "name");
  if (name.empty()) {
    errors.push_back(Required(Child(path, "service.name")));
  } else {
    core::AddInvalid(errors, Child(path, "service.name"), json::string(name),
                     meta::IsDns1035Label(name));
  }
  static const json::object kEmpty;
  const json::object* port = core::ObjectField(service, "port");
  if (port == nullptr) port = &kEmpty;
  std::string port_name = core::StringField(*port, "name");
  int64_t number = 0;
  core::IntField(*port, "number", number);
  if (!port_name.empty() && number != 0) {
    errors.push_back(Invalid(path, "", "cannot set both port name & port number"));
  } else if (!port_name.empty()) {
    core::AddInvalid(errors, Child(path, "service.port.name"), json::string(port_name),
                     core::IsValidPortName(port_name));
  } else if (number != 0) {
    core::AddInvalid(errors, Child(path, "service.port.number"), number,
                     core::IsValidPortNum(number));
  } else {
    errors.push_back(Required(path, "port name or number is required"));
  }
}

void ValidateBackend(const json::object& backend, const std::string& path, FieldErrors& errors) {
  const json::object* resource = core::ObjectField(backend, "resource");
  const json::object* service = core::ObjectField(backend, "service");
  if (resource != nullptr && service != nullptr) {
    errors.push_back(Invalid(path, "", "cannot set both resource and service backends"));
  } else if (resource != nullptr) {
    ValidateLocalReference(*resource, Child(path, "resource"), errors);
  } else if (service != nullptr) {
    ValidateServiceBackend(*service, path, errors);
  } else {
    errors.push_back(Invalid(path, "", "resource or service backend is required"));
  }
}

void ValidatePath(const json::object& entry, const std::string& at, FieldErrors& errors) {
  const json::value* type_value = entry.if_contains("pathType");
  if (type_value == nullptr || type_value->is_null()) {
    errors.push_back(Required(Child(at, "pathType"), "pathType must be specified"));
    return;
  }
  std::string type = type_value->is_string() ? std::string(type_value->get_string()) : "";
  std::string path = core::StringField(entry, "path");
  std::string path_at = Child(at, "path");
  if (type == "Exact" || type == "Prefix") {
    if (path.empty() || path.front() != '/') {
      errors.push_back(Invalid(path_at, json::string(path), "must be an absolute path"));
    }
    if (!path.empty()) {
      for (const char* sequence : {"//", "/./", "/../", "%2f", "%2F"}) {
        if (path.find(sequence) != std::string::npos) {
          errors.push_back(
              Invalid(path_at, json::string(path), fmt::format("must not contain '{}'", sequence)));
        }
      }
      for (std::string_view suffix : {"/..", "/."}) {
        if (path.size() >= suffix.size() &&
            path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
          errors.push_back(
              Invalid(path_at, json::string(path), fmt::format("cannot end with '{}'", suffix)));
        }
      }
    }
  } else if (type == "ImplementationSpecific") {
    if (!path.empty() && path.front() != '/') {
      errors.push_back(Invalid(path_at, json::string(path), "must be an absolute path"));
    }
  } else {
    errors.push_back(NotSupported(Child(at, "pathType"), json::string(type),
                                  {"Exact", "ImplementationSpecific", "Prefix"}));
  }
  static const json::object kEmpty;
  const json::object* backend = core::ObjectField(entry, "backend");
  ValidateBackend(backend != nullptr ? *backend : kEmpty, Child(at, "backend"), errors);
}

void ValidateHost(const std::string& host, const std::string& path, FieldErrors& errors) {
  if (host.find('*') != std::string::npos) {
    core::AddInvalid(errors, path, json::string(host), IsWildcardDns1123Subdomain(host));
  } else {
    core::AddInvalid(errors, path, json::string(host), meta::IsDns1123Subdomain(host));
  }
}

void ValidateRules(const json::array& rules, FieldErrors& errors) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const json::object* rule = rules[i].if_object();
    if (rule == nullptr) continue;
    std::string at = Index("spec.rules", i);
    std::string host = core::StringField(*rule, "host");
    if (!host.empty()) {
      if (core::IsIP(host)) {
        errors.push_back(Invalid(Child(at, "host"), json::string(host),
                                 "must be a DNS name, not an IP address"));
      }
      ValidateHost(host, Child(at, "host"), errors);
    }
    const json::object* http = core::ObjectField(*rule, "http");
    if (http == nullptr) continue;
    const json::array* paths = core::ArrayField(*http, "paths");
    if (paths == nullptr || paths->empty()) {
      errors.push_back(Required(Child(at, "http.paths")));
      continue;
    }
    for (size_t j = 0; j < paths->size(); ++j) {
      static const json::object kEmpty;
      const json::object* entry = (*paths)[j].if_object();
      ValidatePath(entry != nullptr ? *entry : kEmpty, Index(Child(at, "http.paths"), j), errors);
    }
  }
}

void ValidateTls(const json::array& tls, FieldErrors& errors) {
  for (size_t i = 0; i < tls.size(); ++i) {
    const json::object* entry = tls[i].if_object();
    if (entry == nullptr) continue;
    std::string at = Index("spec.tls", i);
    if (const json::array* hosts = core::ArrayField(*entry, "hosts")) {
      for (size_t j = 0; j < hosts->size(); ++j) {
        std::string host = (*hosts)[j].is_string() ? std::string((*hosts)[j].get_string()) : "";
        ValidateHost(host, Index(Child(at, "hosts"), j), errors);
      }
    }
    std::string secret = core::StringField(*entry, "secretName");
    if (!secret.empty()) core::ValidateDns1123Subdomain(secret, Child(at, "secretName"), errors);
  }
}

FieldErrors ValidateSpec(const json::object& object) {
  FieldErrors errors;
  static const json::object kEmpty;
  const json::object* spec = ObjectAt(object, "spec");
  if (spec == nullptr) spec = &kEmpty;
  const json::value* rules_value = spec->if_contains("rules");
  const json::array* rules = core::ArrayField(*spec, "rules");
  const json::object* default_backend = core::ObjectField(*spec, "defaultBackend");
  if ((rules == nullptr || rules->empty()) && default_backend == nullptr) {
    bool present = rules_value != nullptr && rules_value->is_array();
    errors.push_back(apps::InvalidGo(
        "spec", present ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)",
        "either `defaultBackend` or `rules` must be specified"));
  }
  if (default_backend != nullptr) ValidateBackend(*default_backend, "spec.defaultBackend", errors);
  if (rules != nullptr) ValidateRules(*rules, errors);
  if (const json::array* tls = core::ArrayField(*spec, "tls")) ValidateTls(*tls, errors);
  if (const json::value* name = spec->if_contains("ingressClassName");
      name != nullptr && name->is_string()) {
    core::ValidateDns1123Subdomain(name->get_string(), "spec.ingressClassName", errors);
  }
  return errors;
}

// Cells joined as kubectl shows them: the first three hosts, then "+ N more...".
std::string Hosts(const json::object& object) {
  const json::value* rules = apps::ValueAt(object, "spec.rules");
  if (rules == nullptr || !rules->is_array()) return "*";
  std::vector<std::string> hosts;
  bool more = false;
  for (const json::value& item : rules->get_array()) {
    if (hosts.size() == 3) more = true;
    std::string host = item.is_object() ? core::StringField(item.get_object(), "host") : "";
    if (!more && !host.empty()) hosts.push_back(host);
  }
  if (hosts.empty()) return "*";
  std::string text = JoinOrNone(hosts);
  if (more) text += fmt::format(" + {} more...", rules->get_array().size() - 3);
  return text;
}

std::string Address(const json::object& object) {
  const json::value* entries = apps::ValueAt(object, "status.loadBalancer.ingress");
  if (entries == nullptr || !entries->is_array()) return "";
  std::set<std::string> addresses;
  for (const json::value& item : entries->get_array()) {
    if (!item.is_object()) continue;
    std::string ip = core::StringField(item.get_object(), "ip");
    std::string hostname = core::StringField(item.get_object(), "hostname");
    if (!ip.empty()) {
      addresses.insert(ip);
    } else if (!hostname.empty()) {
      addresses.insert(hostname);
    }
  }
  std::string text;
  for (const std::string& address : addresses) text += (text.empty() ? "" : ",") + address;
  return text;
}

class IngressStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors = ValidateSpec(object);
    const json::object* annotations = ObjectAt(object, "metadata.annotations");
    const json::value* class_name = apps::ValueAt(object, "spec.ingressClassName");
    if (annotations != nullptr && annotations->contains(kClassAnnotation) &&
        class_name != nullptr && class_name->is_string() &&
        core::StringField(*annotations, kClassAnnotation) != class_name->get_string()) {
      errors.push_back(Invalid(std::string("annotations.") + kClassAnnotation,
                               json::string(core::StringField(*annotations, kClassAnnotation)),
                               "must match `ingressClassName` when both are specified"));
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object&) const override {
    return ValidateSpec(object);
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Class", "string", "", "The IngressClass that handles this Ingress.", 0},
            {"Hosts", "string", "", "Host names the rules match.", 0},
            {"Address", "string", "", "Where the ingress controller serves this Ingress.", 0},
            {"Ports", "string", "", "Ports the Ingress is served on.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::value* class_name = apps::ValueAt(object, "spec.ingressClassName");
    const json::value* tls = apps::ValueAt(object, "spec.tls");
    bool has_tls = tls != nullptr && tls->is_array() && !tls->get_array().empty();
    return {json::string(StringAt(object, "metadata.name")),
            json::string(class_name != nullptr && class_name->is_string() ? class_name->get_string()
                                                                          : "<none>"),
            json::string(Hosts(object)),
            json::string(Address(object)),
            json::string(has_tls ? "80, 443" : "80"),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewIngressStrategy() { return std::make_unique<IngressStrategy>(); }

}  // namespace mini::cluster::registry::networking
