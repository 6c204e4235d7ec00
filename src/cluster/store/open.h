// Choosing a backend from the --datastore URL, the one list of compiled-in store backends.
//
//   (empty) or sqlite          the embedded store in <data_dir>/state.db (the default)
//   sqlite:///path/state.db    the embedded store in that file
//   memory://                  nothing durable: for tests and throwaway clusters
//   etcd://h1:2379,h2:2379     an etcd cluster; etcds:// speaks TLS to it
#pragma once

#include <filesystem>
#include <string>

#include "cluster/store/backend.h"

namespace mini::store {

struct OpenOptions {
  std::filesystem::path data_dir;  // where the embedded store keeps its file
  // TLS material for etcds:// (k3s's --datastore-cafile/-certfile/-keyfile).
  std::filesystem::path etcd_ca_file;
  std::filesystem::path etcd_cert_file;
  std::filesystem::path etcd_key_file;
  /// Prepended to every key in etcd; empty, as kubeadm and k3s leave it, so keys read
  /// /registry/... there too.
  std::string etcd_key_prefix;
};

/// kInvalidArgument for a URL it does not understand (naming the accepted forms); otherwise
/// whatever opening the backend reports.
Result<BackendPtr> OpenBackend(const std::string& url, const OpenOptions& options);

}  // namespace mini::store
