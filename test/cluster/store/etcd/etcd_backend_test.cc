// The etcd backend's connection handling, key prefixes, limits and revisions, against a real
// etcd. What every backend must do is the conformance suite's business (etcd_fixture.cc).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "test/cluster/store/etcd/etcd_test_util.h"
#include "test/cluster/store/etcd/tcp_proxy.h"

namespace mini::store::etcd::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST_CASE("an unreachable etcd fails at start with every endpoint named") {
  std::string first = DeadEndpoint();
  std::string second = DeadEndpoint();
  auto started = Clock::now();
  Result<BackendPtr> one = NewEtcdBackend({.endpoints = {first}});
  REQUIRE_FALSE(one.ok());
  CHECK(one.status().code() == Code::kUnavailable);
  CHECK(one.status().message() ==
        fmt::format("cannot reach etcd at {} (connection refused)", first));

  Result<BackendPtr> two = NewEtcdBackend({.endpoints = {first, second}});
  REQUIRE_FALSE(two.ok());
  CHECK(two.status().message() ==
        fmt::format("cannot reach etcd at {} (connection refused), {} (connection refused)", first,
                    second));
  CHECK(Clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("bad endpoints and TLS files are refused with the reason") {
  Result<BackendPtr> empty = NewEtcdBackend({});
  CHECK(empty.status().code() == Code::kInvalidArgument);
  Result<BackendPtr> bad = NewEtcdBackend({.endpoints = {"localhost"}});
  CHECK(bad.status().code() == Code::kInvalidArgument);
  CHECK(bad.status().message().find("'localhost'") != std::string::npos);
  Result<BackendPtr> no_ca = NewEtcdBackend({.endpoints = {"127.0.0.1:1"}, .ca_file = "/nope.crt"});
  CHECK(no_ca.status().code() == Code::kNotFound);
  CHECK(no_ca.status().message().find("/nope.crt") != std::string::npos);
}

TEST_CASE("a dead first endpoint fails over to the next") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({DeadEndpoint(), server.endpoint()});
  Result<KeyValue> created = store->Create("a", "1");
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  Result<KeyValue> read = store->Get("a");
  REQUIRE(read.ok());
  CHECK(read->value == "1");
}

TEST_CASE("a member that goes away mid-operation is failed over from") {
  EtcdServer server;
  StartOrFail(server);
  mini::testing::TcpProxy proxy(server.client_port());
  BackendPtr store = Connect({"127.0.0.1:" + std::to_string(proxy.port()), server.endpoint()});
  REQUIRE(store->Create("a", "1").ok());
  proxy.Disable();  // the first member "dies" with pooled connections open to it
  for (int i = 0; i < 5; ++i) {
    Result<KeyValue> read = store->Get("a");
    REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  }
  REQUIRE(store->Update("a", "2", store->Get("a")->mod_revision).ok());
}

TEST_CASE("requests fail while etcd is down and work again once it is back") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  REQUIRE(store->Create("a", "1").ok());
  REQUIRE(server.Stop().ok());
  Result<KeyValue> down = store->Get("a");
  CHECK(down.status().code() == Code::kUnavailable);
  CHECK(down.status().message().find(server.endpoint()) != std::string::npos);
  StartOrFail(server);
  Result<KeyValue> up = store->Get("a");  // pooled connections went stale: retried on new ones
  REQUIRE_MESSAGE(up.ok(), up.status().ToString());
  CHECK(up->value == "1");
}

TEST_CASE("key prefixes keep clusters that share an etcd apart") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr a = Connect({server.endpoint()}, "/cluster-a/");
  BackendPtr b = Connect({server.endpoint()}, "/cluster-b/");
  REQUIRE(a->Create("k", "from a").ok());
  REQUIRE(b->Create("k", "from b").ok());  // no kAlreadyExists: a's key is not b's
  Result<RangeResult> all_a = a->Range({.key = "", .prefix = true});
  REQUIRE(all_a.ok());
  REQUIRE(all_a->kvs.size() == 1);
  CHECK(all_a->kvs[0].key == "k");
  CHECK(all_a->kvs[0].value == "from a");
  REQUIRE(a->Delete("k").ok());
  CHECK(a->Get("k").status().code() == Code::kNotFound);
  CHECK(b->Get("k")->value == "from b");
  // Without a prefix the backend sees everything, prefixes included.
  BackendPtr root = Connect({server.endpoint()}, "");
  Result<KeyValue> raw = root->Get("/cluster-b/k");
  REQUIRE(raw.ok());
  CHECK(raw->value == "from b");
}

TEST_CASE("values over the limit are refused before they reach etcd, binary keys round-trip") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  Result<KeyValue> big = store->Create("big", std::string(kMaxValueBytes + 1, 'x'));
  CHECK(big.status().code() == Code::kResourceExhausted);
  CHECK(big.status().message().find(std::to_string(kMaxValueBytes)) != std::string::npos);
  // The harness gives etcd the request headroom a value of the full limit needs.
  Result<KeyValue> max = store->Create("max", std::string(kMaxValueBytes, 'y'));
  REQUIRE_MESSAGE(max.ok(), max.status().ToString());
  CHECK(store->Get("max")->value.size() == kMaxValueBytes);
  std::string key("\0\xff\n\"k", 5);
  std::string value("\0\x01\xfe\"\\", 5);
  REQUIRE(store->Create(key, value).ok());
  Result<KeyValue> read = store->Get(key);
  REQUIRE(read.ok());
  CHECK(read->key == key);
  CHECK(read->value == value);
}

TEST_CASE("reads at compacted and future revisions, and the compaction point") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  Result<int64_t> none = store->CompactedRevision();
  REQUIRE(none.ok());
  CHECK(*none == 0);
  Result<KeyValue> first = store->Create("a", "1");
  REQUIRE(first.ok());
  for (int i = 0; i < 20; ++i) {
    REQUIRE(store->Create("k" + std::to_string(i), "v").ok());
  }
  int64_t point = first->mod_revision + 7;
  REQUIRE(store->Compact(point).ok());
  Result<int64_t> found = store->CompactedRevision();
  REQUIRE(found.ok());
  CHECK(*found == point);
  Result<KeyValue> old = store->Get("a", first->mod_revision);
  CHECK(old.status().code() == Code::kOutOfRange);
  CHECK(old.status().reason() == kReasonCompacted);
  Result<KeyValue> at_point = store->Get("a", point);
  CHECK(at_point.ok());
  Result<KeyValue> future = store->Get("a", *store->CurrentRevision() + 10);
  CHECK(future.status().code() == Code::kOutOfRange);
  CHECK(future.status().reason() == kReasonFutureRevision);
}

TEST_CASE("leases: keys go with a revoked lease, unknown leases are kNotFound") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  Result<LeaseId> lease = store->GrantLease(std::chrono::seconds(30));
  REQUIRE(lease.ok());
  Result<KeyValue> created = store->Create("leased", "v", *lease);
  REQUIRE(created.ok());
  CHECK(store->Get("leased")->lease == *lease);
  CHECK(store->KeepAlive(*lease).ok());
  REQUIRE(store->RevokeLease(*lease).ok());
  CHECK(store->Get("leased").status().code() == Code::kNotFound);
  CHECK(store->KeepAlive(*lease).code() == Code::kNotFound);
  CHECK(store->RevokeLease(*lease).code() == Code::kNotFound);
}

}  // namespace
}  // namespace mini::store::etcd::testing
