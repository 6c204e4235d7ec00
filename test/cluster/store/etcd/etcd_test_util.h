// Shared helpers of the etcd backend's tests.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cluster/store/etcd/etcd_backend.h"
#include "test/cluster/store/etcd/etcd_server.h"

namespace mini::store::etcd::testing {

using mini::testing::EtcdServer;

/// Starts `server`, failing the test (never skipping it) when etcd is missing or broken.
inline void StartOrFail(EtcdServer& server) {
  Status started = server.Start();
  REQUIRE_MESSAGE(started.ok(), started.ToString());
}

inline BackendPtr Connect(std::vector<std::string> endpoints, std::string key_prefix = "/test/") {
  EtcdOptions options{.endpoints = std::move(endpoints),
                      .key_prefix = std::move(key_prefix),
                      .request_timeout = std::chrono::seconds(2)};
  Result<BackendPtr> backend = NewEtcdBackend(options);
  REQUIRE_MESSAGE(backend.ok(), backend.status().ToString());
  return std::move(backend).value();
}

/// "127.0.0.1:<port>" where nothing listens.
inline std::string DeadEndpoint() {
  return "127.0.0.1:" + std::to_string(mini::testing::FreeLoopbackPorts(1)[0]);
}

/// Events' keys and revisions must be strictly increasing in revision: no repeat, no reorder.
inline void CheckOrdered(const std::vector<Event>& events) {
  for (size_t i = 1; i < events.size(); ++i) {
    CHECK_MESSAGE(events[i].kv.mod_revision > events[i - 1].kv.mod_revision, "event ", i, " (",
                  events[i].kv.key, ") is out of order");
  }
}

}  // namespace mini::store::etcd::testing
