// The datastore as a control-plane component: opened first, closed last, and watched by the
// API server's readiness check "etcd" (the name Kubernetes gives that check, whatever the
// backend).
#pragma once

#include <thread>

#include "cluster/allinone/component.h"
#include "cluster/allinone/control_plane.h"
#include "cluster/store/backend.h"

namespace mini::cluster {

class StoreComponent final : public Component {
 public:
  explicit StoreComponent(const ControlPlaneOptions& options) : options_(options) {}

  std::string_view Name() const override { return "datastore"; }
  /// Opens the backend named by options.datastore (the embedded store by default) and starts
  /// compacting it periodically.
  Status Start() override;
  void Stop() override;

  /// Valid between Start and Stop.
  store::Backend& backend() { return *backend_; }
  /// Healthy when the backend answers a read.
  Status Check();

 private:
  /// Every interval, compacts to the revision seen one interval earlier: history stays for
  /// at least one interval (as kube-apiserver's 5-minute compaction keeps it) and the store
  /// does not grow without bound.
  void CompactPeriodically(std::stop_token stop);

  const ControlPlaneOptions options_;
  store::BackendPtr backend_;
  std::jthread compactor_;
};

}  // namespace mini::cluster
