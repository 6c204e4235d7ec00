// Checks Ingresses and IngressClasses share: references to other objects by kind and name, and
// wildcard host names ("*.example.com").
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::networking {

/// apiGroup a DNS subdomain when set; kind and name required and usable in a URL path.
void ValidateLocalReference(const boost::json::object& reference, const std::string& path,
                            FieldErrors& errors);

/// Problems of a wildcard DNS-1123 subdomain such as "*.example.com", worded as upstream.
std::vector<std::string> IsWildcardDns1123Subdomain(std::string_view value);

}  // namespace mini::cluster::registry::networking
