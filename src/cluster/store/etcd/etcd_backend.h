// The etcd backend: an existing etcd 3.4+ cluster reached through its v3 JSON gateway, for
// users who outgrow one machine or want a highly available datastore.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/store/backend.h"

namespace mini::store::etcd {

struct EtcdOptions {
  /// "host:port" of each member; requests fail over to the next one when a member is down.
  std::vector<std::string> endpoints;
  /// TLS: with a CA the gateway is spoken over HTTPS; the client pair is optional.
  std::filesystem::path ca_file;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  /// Prepended to every key, so several clusters can share one etcd.
  std::string key_prefix;
  std::chrono::milliseconds request_timeout{5000};
};

/// Connects and checks that an endpoint answers; kUnavailable naming every endpoint tried
/// when none does.
Result<BackendPtr> NewEtcdBackend(const EtcdOptions& options);

}  // namespace mini::store::etcd
