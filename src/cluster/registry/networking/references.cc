#include "cluster/registry/networking/references.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"

namespace mini::cluster::registry::networking {
namespace json = boost::json;
namespace meta = mini::api::meta;

void ValidateLocalReference(const json::object& reference, const std::string& path,
                            FieldErrors& errors) {
  if (const json::value* group = reference.if_contains("apiGroup");
      group != nullptr && group->is_string()) {
    core::ValidateDns1123Subdomain(group->get_string(), core::Child(path, "apiGroup"), errors);
  }
  for (const char* key : {"kind", "name"}) {
    std::string value = core::StringField(reference, key);
    std::string at = core::Child(path, key);
    if (value.empty()) {
      errors.push_back(Required(at, std::string(key) + " is required"));
    } else {
      core::AddInvalid(errors, at, json::string(value), meta::IsValidPathSegmentName(value));
    }
  }
}

std::vector<std::string> IsWildcardDns1123Subdomain(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > meta::kDns1123SubdomainMaxLength) {
    errors.push_back("must be no more than 253 characters");
  }
  bool matches = value.substr(0, 2) == "*." && meta::IsDns1123Subdomain(value.substr(2)).empty();
  if (!matches) {
    errors.push_back(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
        "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
        "alphanumeric character (e.g. '*.example.com', regex used for validation is "
        "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  return errors;
}

}  // namespace mini::cluster::registry::networking
