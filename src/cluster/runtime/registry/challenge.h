// The WWW-Authenticate challenges a registry answers 401 with (RFC 7235), e.g.
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"
//   Basic realm="Registry Realm"
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::cluster::runtime::registry {

struct Challenge {
  std::string scheme;                         // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower case, values unquoted
};

/// Every challenge of one header value, in order. kInvalidArgument, quoting the header, when
/// it does not follow the grammar (an unterminated quote, a parameter without a value...).
Result<std::vector<Challenge>> ParseChallenges(std::string_view header);

}  // namespace mini::cluster::runtime::registry
