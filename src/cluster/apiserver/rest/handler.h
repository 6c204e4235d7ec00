// The REST API over the registry: turns a resource request (GET, LIST, WATCH, POST, PUT,
// PATCH, DELETE on /api/... and /apis/...) into storage calls and the answer into JSON, a
// Table or a stream of watch events.
#pragma once

#include <memory>

#include "cluster/apiserver/http.h"
#include "cluster/apiserver/router.h"
#include "cluster/registry/registry.h"

namespace mini::cluster::apiserver::rest {

class WatchTicker;
class ServiceAccountTokens;
class NodeLogs;

class RestHandler {
 public:
  /// Without `tokens`, serviceaccounts/token and TokenReviews are refused; without
  /// `node_logs`, pods/log answers that the container is not running.
  explicit RestHandler(registry::Registry& registry,
                       std::shared_ptr<const ServiceAccountTokens> tokens = nullptr,
                       std::shared_ptr<NodeLogs> node_logs = nullptr);
  ~RestHandler();

  /// Serves one resource request. Never throws; failures are Status responses.
  Response Handle(const Request& request);

  /// One request being served (call.h), also by the state of a deferred response.
  struct Call;

 private:
  Response Dispatch(Call& call);
  Response Read(Call& call);
  Response List(Call& call);
  Response Watch(Call& call);
  Response Create(Call& call);
  Response Replace(Call& call);
  Response Patch(Call& call);
  Response Delete(Call& call);
  Response DeleteCollection(Call& call);
  Response Scale(Call& call);
  Response PodSubresource(Call& call);
  Response Finalize(Call& call);
  Response Review(Call& call);
  Response TokenRequest(Call& call);
  Response PodLog(Call& call);

  registry::Registry& registry_;
  std::shared_ptr<const ServiceAccountTokens> tokens_;
  std::shared_ptr<NodeLogs> node_logs_;
  std::unique_ptr<WatchTicker> ticker_;
};

/// The registry's options from a DeleteOptions object (a DELETE's body, an Eviction's
/// deleteOptions): dryRun, gracePeriodSeconds and preconditions.
Result<registry::DeleteOptions> DeleteOptionsFromJson(const boost::json::object& body,
                                                      bool dry_run);

/// Routes every /api/ and /apis/ path that discovery does not answer to `handler`.
void InstallRest(Router& router, std::shared_ptr<RestHandler> handler);

}  // namespace mini::cluster::apiserver::rest
