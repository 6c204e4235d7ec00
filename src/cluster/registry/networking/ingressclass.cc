#include "cluster/registry/networking/ingressclass.h"

#include <boost/json.hpp>
#include <cctype>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/networking/references.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::networking {
namespace json = boost::json;
namespace meta = mini::api::meta;

namespace {

constexpr size_t kMaxControllerLength = 250;

bool IsHttpPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("/-._~%!$&'()*+,;=:").find(c) != std::string_view::npos;
}

// "example.com/ingress-controller": a DNS subdomain, a slash, and a URL path.
void ValidateDomainPrefixedPath(const std::string& value, const std::string& path,
                                FieldErrors& errors) {
  if (value.empty()) {
    errors.push_back(Required(path));
    return;
  }
  size_t slash = value.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == value.size()) {
    errors.push_back(Invalid(path, json::string(value),
                             "must be a domain-prefixed path (such as \"acme.io/foo\")"));
    return;
  }
  std::string host = value.substr(0, slash);
  core::AddInvalid(errors, path, json::string(host), meta::IsDns1123Subdomain(host));
  std::string rest = value.substr(slash + 1);
  for (char c : rest) {
    if (!IsHttpPathChar(c)) {
      errors.push_back(Invalid(path, json::string(rest),
                               "Invalid path (regex used for validation is "
                               "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
      return;
    }
  }
}

void ValidateParameters(const json::object& parameters, FieldErrors& errors) {
  const std::string path = "spec.parameters";
  ValidateLocalReference(parameters, path, errors);
  const json::value* scope_value = parameters.if_contains("scope");
  if (scope_value == nullptr || scope_value->is_null()) {
    errors.push_back(Required(path + ".scope"));
    return;
  }
  std::string scope = scope_value->is_string() ? std::string(scope_value->get_string()) : "";
  const json::value* name_space = parameters.if_contains("namespace");
  bool has_namespace = name_space != nullptr && !name_space->is_null();
  if (scope == "Namespace") {
    if (!has_namespace) {
      errors.push_back(Required(path + ".namespace", "`parameters.scope` is set to 'Namespace'"));
    } else {
      std::string value = name_space->is_string() ? std::string(name_space->get_string()) : "";
      core::ValidateDns1123Label(value, path + ".namespace", errors);
    }
  } else if (scope == "Cluster") {
    if (has_namespace) {
      errors.push_back(Forbidden(path + ".namespace", "`parameters.scope` is set to 'Cluster'"));
    }
  } else {
    errors.push_back(NotSupported(path + ".scope", json::string(scope), {"Cluster", "Namespace"}));
  }
}

std::string Parameters(const json::object& object) {
  const json::object* parameters = ObjectAt(object, "spec.parameters");
  if (parameters == nullptr) return "<none>";
  std::string text = core::StringField(*parameters, "kind");
  if (const json::value* group = parameters->if_contains("apiGroup");
      group != nullptr && group->is_string()) {
    text += "." + std::string(group->get_string());
  }
  return text + "/" + core::StringField(*parameters, "name");
}

class IngressClassStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::value* parameters = apps::ValueAt(object, "spec.parameters");
    if (parameters != nullptr && parameters->is_object()) {
      apps::SetIfAbsent(parameters->get_object(), "scope", "Cluster");
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    std::string controller = StringAt(object, "spec.controller");
    if (controller.size() > kMaxControllerLength) {
      errors.push_back(TooLong("spec.controller", "", kMaxControllerLength));
    }
    ValidateDomainPrefixedPath(controller, "spec.controller", errors);
    if (const json::object* parameters = ObjectAt(object, "spec.parameters")) {
      ValidateParameters(*parameters, errors);
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors;
    apps::ValidateImmutable(apps::ValueAt(object, "spec.controller"),
                            apps::ValueAt(old, "spec.controller"), "spec.controller", errors);
    for (FieldError& error : Validate(object)) errors.push_back(std::move(error));
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Controller", "string", "", "The controller that implements the class.", 0},
            {"Parameters", "string", "", "The object holding the controller's settings.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "spec.controller")), json::string(Parameters(object)),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewIngressClassStrategy() {
  return std::make_unique<IngressClassStrategy>();
}

}  // namespace mini::cluster::registry::networking
