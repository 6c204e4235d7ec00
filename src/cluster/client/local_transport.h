// The transport of the control plane's own components: requests go straight to the API
// server's router, with the component's identity, and take the same path as any client's
// (authentication aside): validation, defaulting, storage, watch.
#pragma once

#include <memory>

#include "cluster/apiserver/http.h"
#include "cluster/apiserver/router.h"
#include "cluster/client/transport.h"

namespace mini::cluster::client {

class LocalTransport final : public Transport {
 public:
  /// `router` must stay valid (it is shared) while requests run; `user` is who the requests
  /// come from, e.g. {"system:kube-scheduler", {"system:authenticated"}, true}.
  LocalTransport(std::shared_ptr<const apiserver::Router> router, apiserver::UserInfo user);

  Result<HttpReply> Send(const HttpRequest& request) override;
  Result<std::unique_ptr<StreamHandle>> Stream(const HttpRequest& request, LineHandler on_line,
                                                EndHandler on_end, HttpReply* refused) override;

 private:
  apiserver::Response Dispatch(const HttpRequest& request) const;

  std::shared_ptr<const apiserver::Router> router_;
  apiserver::UserInfo user_;
};

}  // namespace mini::cluster::client
