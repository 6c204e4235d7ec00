// One resource request being served, shared by the handler's translation units.
#pragma once

#include <optional>
#include <string_view>

#include "cluster/apiserver/rest/handler.h"
#include "cluster/apiserver/rest/request_info.h"

namespace mini::cluster::apiserver::rest {

struct RestHandler::Call {
  const Request& request;
  RequestInfo info;
  const api::schema::Resource* resource = nullptr;
  registry::Storage* storage = nullptr;  // nullptr for kinds that are answered, not stored
  bool dry_run = false;

  std::optional<std::string_view> Query(std::string_view key) const {
    return request.query.Get(key);
  }
};

}  // namespace mini::cluster::apiserver::rest
