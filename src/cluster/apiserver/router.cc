#include "cluster/apiserver/router.h"

#include <spdlog/spdlog.h>

#include <strings.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace mini::cluster::apiserver {

void Router::Handle(std::string method, std::string path, Handler handler, Access access) {
  exact_[std::move(path)].push_back(Route{std::move(method), std::move(handler), access});
}

void Router::HandlePrefix(std::string method, std::string prefix, Handler handler, Access access) {
  Route route{std::move(method), std::move(handler), access};
  for (auto& [existing, routes] : prefixes_) {
    if (existing == prefix) {
      routes.push_back(std::move(route));
      return;
    }
  }
  prefixes_.emplace_back(std::move(prefix), std::vector<Route>{std::move(route)});
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const Router::Route* Router::ForMethod(const std::vector<Route>& routes,
                                       const std::string& method) {
  for (const Route& route : routes) {
    if (route.method == "*" || route.method == method) {
      return &route;
    }
  }
  return nullptr;
}

Router::Match Router::Find(const Request& request) const {
  Match match;
  if (auto it = exact_.find(request.path); it != exact_.end()) {
    match.route = ForMethod(it->second, request.method);
    match.path_known = true;
    if (match.route != nullptr) {
      return match;
    }
  }
  for (const auto& [prefix, routes] : prefixes_) {
    if (request.path.starts_with(prefix)) {
      match.route = ForMethod(routes, request.method);
      match.path_known = true;
      if (match.route != nullptr) {
        return match;
      }
    }
  }
  return match;
}

void Router::SetTokenAuthenticator(std::shared_ptr<const TokenAuthenticator> authenticator) {
  tokens_ = std::move(authenticator);
}

Response Router::Dispatch(Request& request) const {
  // A certificate user is already known; a token only speaks for requests without one.
  if (auto authorization = request.headers.Get("Authorization");
      authorization && !request.user.authenticated) {
    constexpr std::string_view kBearer = "Bearer ";
    std::string_view token = *authorization;
    if (token.size() > kBearer.size() &&
        strncasecmp(token.data(), kBearer.data(), kBearer.size()) == 0) {
      token.remove_prefix(kBearer.size());
      auto user = tokens_ != nullptr
                      ? tokens_->Authenticate(token)
                      : Result<UserInfo>(Status(Code::kPermissionDenied, "tokens are not accepted"));
      if (!user.ok()) {
        spdlog::debug("{} {}: {}", request.method, request.path, user.status().message());
        return StatusResponse(401, "Unauthorized", "Unauthorized");
      }
      request.user = std::move(user).value();
    }
  }
  Match match = Find(request);
  bool is_public = match.route != nullptr && match.route->access == Access::kPublic;
  // Unauthenticated callers learn nothing about which paths exist, as in Kubernetes.
  if (!request.user.authenticated && !is_public) {
    return StatusResponse(401, "Unauthorized", "Unauthorized");
  }
  if (match.route == nullptr) {
    if (match.path_known) {
      return StatusResponse(405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource");
    }
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  }
  try {
    return match.route->handler(request);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("handler for {} {} threw a non-standard exception", request.method, request.path);
  }
  return StatusResponse(500, "InternalError",
                        "an error on the server has prevented the request from succeeding");
}

}  // namespace mini::cluster::apiserver
