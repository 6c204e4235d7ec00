#include "cluster/allinone/store_component.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "cluster/store/open.h"

namespace mini::cluster {

Status StoreComponent::Start() {
  store::OpenOptions open;
  open.data_dir = options_.data_dir;
  open.etcd_ca_file = options_.datastore_ca_file;
  open.etcd_cert_file = options_.datastore_cert_file;
  open.etcd_key_file = options_.datastore_key_file;
  auto backend = store::OpenBackend(options_.datastore, open);
  if (!backend.ok()) {
    return backend.status().WithContext("opening the datastore");
  }
  backend_ = std::move(backend).value();
  auto revision = backend_->CurrentRevision();
  spdlog::info("datastore: {} at revision {}",
               options_.datastore.empty() ? "embedded" : options_.datastore,
               revision.ok() ? *revision : 0);
  compactor_ = std::jthread([this](std::stop_token stop) { CompactPeriodically(stop); });
  return Status::Ok();
}

void StoreComponent::Stop() {
  compactor_ = {};  // requests stop and joins
  backend_.reset();
}

void StoreComponent::CompactPeriodically(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any wake;
  int64_t previous = 0;
  std::unique_lock lock(mu);
  for (;;) {
    // Returns early only when a stop is requested.
    wake.wait_for(lock, stop, options_.compaction_interval, [] { return false; });
    if (stop.stop_requested()) {
      return;
    }
    if (previous > 0) {
      Status compacted = backend_->Compact(previous);
      if (!compacted.ok()) {
        spdlog::warn("datastore: compacting to revision {}: {}", previous, compacted.message());
      }
    }
    auto current = backend_->CurrentRevision();
    previous = current.ok() ? *current : previous;
  }
}

Status StoreComponent::Check() {
  if (backend_ == nullptr) {
    return Error(Code::kUnavailable, "the datastore is not open");
  }
  return backend_->CurrentRevision().status();
}

}  // namespace mini::cluster
