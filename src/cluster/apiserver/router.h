// Maps a request's method and path to its handler and applies the access rule every route
// declares. Later issues register discovery, the REST storage of each resource kind, watch,
// logs and the exec/port-forward upgrades here; none of them sees the transport.
//
// Thread safety: register every route before the server starts; after that the Router is only
// read, from any number of server threads at once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/apiserver/authn.h"
#include "cluster/apiserver/http.h"

namespace mini::cluster::apiserver {

/// Runs on a server thread; must be thread-safe and should not block for long (a streamed
/// response returns at once and produces its body through Response::stream; one that waits
/// for something, such as a datastore commit, returns a Deferred response).
using Handler = std::function<Response(const Request&)>;

enum class Access {
  kAuthenticated,  // anonymous requests get 401 Unauthorized
  kPublic,         // served to anyone, like Kubernetes' system:public-info-viewer paths
};

class Router {
 public:
  /// Any method ("*") or one method ("GET") on exactly `path`.
  void Handle(std::string method, std::string path, Handler handler,
              Access access = Access::kAuthenticated);
  /// Every path starting with `prefix` (e.g. "/api/"); the longest matching prefix wins and an
  /// exact route beats any prefix.
  void HandlePrefix(std::string method, std::string prefix, Handler handler,
                    Access access = Access::kAuthenticated);

  /// Bearer tokens of requests without a client certificate are checked by `authenticator`.
  void SetTokenAuthenticator(std::shared_ptr<const TokenAuthenticator> authenticator);

  /// Authenticates a bearer token (filling in `request.user`; a token that identifies nobody
  /// gets 401 even on public paths, as in Kubernetes), finds the route and runs it. Anonymous
  /// users get 401 unless the route is public; unknown paths get 404 and known paths with
  /// another method 405, each as a Kubernetes Status. A handler that throws yields 500. The
  /// response may be deferred: callers outside the server Resolve it.
  Response Dispatch(Request& request) const;

 private:
  struct Route {
    std::string method;
    Handler handler;
    Access access;
  };
  struct Match {
    const Route* route = nullptr;
    bool path_known = false;  // some route serves this path with another method
  };

  Match Find(const Request& request) const;
  static const Route* ForMethod(const std::vector<Route>& routes, const std::string& method);

  std::shared_ptr<const TokenAuthenticator> tokens_;
  std::map<std::string, std::vector<Route>> exact_;
  // Longest prefix first, so the first match is the most specific.
  std::vector<std::pair<std::string, std::vector<Route>>> prefixes_;
};

}  // namespace mini::cluster::apiserver
