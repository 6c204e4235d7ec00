// Watches through the gateway's stream: resumption after broken streams and restarts, failover,
// giving up, compaction and cancellation.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "cluster/store/etcd/watch.h"
#include "test/cluster/store/etcd/etcd_test_util.h"
#include "test/cluster/store/etcd/tcp_proxy.h"
#include "test/cluster/store/watch_collector.h"

namespace mini::store::etcd::testing {
namespace {

using mini::store::testing::WatchCollector;
using mini::testing::TcpProxy;
using namespace std::chrono_literals;

void Write(Backend& store, const std::string& name, int count) {
  for (int i = 0; i < count; ++i) {
    Result<KeyValue> created = store.Create(name + std::to_string(i), "v");
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  }
}

// Exactly `count` events arrive (and no more within a short grace period), in order.
void ExpectExactly(WatchCollector& sink, size_t count) {
  REQUIRE(sink.WaitForEvents(count));
  std::this_thread::sleep_for(200ms);
  std::vector<Event> events = sink.Events();
  CHECK(events.size() == count);
  CheckOrdered(events);
  CHECK_FALSE(sink.WaitForError(0ms).has_value());
}

TEST_CASE("a watch survives an etcd restart without losing or repeating an event") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = store->Watch("k", true, 0, sink);
  REQUIRE_MESSAGE(watch.ok(), watch.status().ToString());
  Write(*store, "k-before-", 5);
  REQUIRE(sink.get()->WaitForEvents(5));
  REQUIRE(server.Restart().ok());
  Write(*store, "k-after-", 5);
  ExpectExactly(*sink, 10);
  CHECK(sink->Events()[5].kv.key == "k-after-0");
}

TEST_CASE("a broken stream resumes after the last delivered revision") {
  EtcdServer server;
  StartOrFail(server);
  TcpProxy proxy(server.client_port());
  BackendPtr direct = Connect({server.endpoint()});
  BackendPtr proxied = Connect({"127.0.0.1:" + std::to_string(proxy.port())});
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = proxied->Watch("", true, 0, sink);
  REQUIRE(watch.ok());
  Write(*direct, "a", 3);
  REQUIRE(sink->WaitForEvents(3));
  proxy.Disable();  // the watch loses its stream while etcd goes on taking writes
  Write(*direct, "b", 4);
  Result<KeyValue> updated = direct->Update("a0", "v2", direct->Get("a0")->mod_revision);
  REQUIRE(updated.ok());
  std::this_thread::sleep_for(300ms);  // a few reconnect attempts fail meanwhile
  proxy.Enable();
  Write(*direct, "c", 2);
  ExpectExactly(*sink, 10);
  std::vector<Event> events = sink->Events();
  CHECK(events[3].kv.key == "b0");
  CHECK(events[7].kv.key == "a0");
  REQUIRE(events[7].prev_kv.has_value());
  CHECK(events[7].prev_kv->value == "v");
  CHECK(events[9].kv.key == "c1");
}

TEST_CASE("progress reports let a quiet watch resume past a compaction it did not need") {
  EtcdServer server({.progress_notify_interval = "100ms"});
  StartOrFail(server);
  TcpProxy proxy(server.client_port());
  BackendPtr direct = Connect({server.endpoint()});
  BackendPtr proxied = Connect({"127.0.0.1:" + std::to_string(proxy.port())});
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = proxied->Watch("quiet/", true, 0, sink);
  REQUIRE(watch.ok());
  Write(*direct, "noise/", 5);
  std::this_thread::sleep_for(400ms);  // progress reports move the watch's resume point on
  REQUIRE(direct->Compact(*direct->CurrentRevision()).ok());
  proxy.Disable();
  std::this_thread::sleep_for(200ms);
  proxy.Enable();
  Write(*direct, "quiet/", 1);
  ExpectExactly(*sink, 1);
}

TEST_CASE("a watch fails over to the next member") {
  EtcdServer server;
  StartOrFail(server);
  TcpProxy proxy(server.client_port());
  BackendPtr store = Connect({"127.0.0.1:" + std::to_string(proxy.port()), server.endpoint()});
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = store->Watch("", true, 0, sink);
  REQUIRE(watch.ok());
  Write(*store, "a", 2);
  REQUIRE(sink->WaitForEvents(2));
  proxy.Disable();
  Write(*store, "b", 3);
  ExpectExactly(*sink, 5);
}

TEST_CASE("a watch that cannot resume reports kUnavailable after its retry period") {
  EtcdServer server;
  StartOrFail(server);
  Result<std::shared_ptr<Transport>> transport =
      Transport::Create({.endpoints = {server.endpoint()}});
  REQUIRE(transport.ok());
  auto sink = std::make_shared<WatchCollector>();
  WatchTiming timing{.give_up_after = 700ms, .first_backoff = 50ms, .max_backoff = 200ms};
  Result<WatchPtr> watch = StartWatch(*transport, {"k", "", ""}, 1, sink, timing);
  REQUIRE(watch.ok());
  REQUIRE(server.Kill().ok());
  std::optional<Status> error = sink->WaitForError(5s);
  REQUIRE(error.has_value());
  CHECK(error->code() == Code::kUnavailable);
  CHECK(error->message().find("could not resume") != std::string::npos);
  CHECK(error->message().find(server.endpoint()) != std::string::npos);
}

TEST_CASE("a watch from a compacted revision is refused, compaction under a stream ends it") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()}, "");
  Write(*store, "k", 5);
  int64_t current = *store->CurrentRevision();
  REQUIRE(store->Compact(current).ok());
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> refused = store->Watch("k", true, current - 2, sink);
  CHECK(refused.status().code() == Code::kOutOfRange);
  CHECK(refused.status().reason() == kReasonCompacted);
  Result<WatchPtr> at_point = store->Watch("k", true, current, sink);
  CHECK(at_point.ok());

  // The stream's own report, for a compaction between the check and the stream.
  Result<std::shared_ptr<Transport>> transport =
      Transport::Create({.endpoints = {server.endpoint()}});
  REQUIRE(transport.ok());
  auto late = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = StartWatch(*transport, {"k", "l", ""}, current - 2, late);
  REQUIRE(watch.ok());
  std::optional<Status> error = late->WaitForError(5s);
  REQUIRE(error.has_value());
  CHECK(error->code() == Code::kOutOfRange);
  CHECK(error->reason() == kReasonCompacted);
  CHECK(late->Events().empty());
}

TEST_CASE("a watch cancelled or destroyed from inside its sink delivers nothing more") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  auto cancelled = std::make_shared<WatchCollector>();
  auto destroyed = std::make_shared<WatchCollector>();
  WatchPtr first = std::move(store->Watch("", true, 0, cancelled)).value();
  WatchPtr second = std::move(store->Watch("", true, 0, destroyed)).value();
  cancelled->SetOnBatch([&] { first->Cancel(); });
  destroyed->SetOnBatch([&] { second.reset(); });
  Write(*store, "k", 3);
  REQUIRE(cancelled->WaitForEvents(1));
  REQUIRE(destroyed->WaitForEvents(1));
  std::this_thread::sleep_for(300ms);
  CHECK(cancelled->Batches() == 1);
  CHECK(destroyed->Batches() == 1);
  CHECK(second == nullptr);
}

TEST_CASE("cancelling a watch that is retrying returns at once") {
  EtcdServer server;
  StartOrFail(server);
  BackendPtr store = Connect({server.endpoint()});
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = store->Watch("", true, 0, sink);
  REQUIRE(watch.ok());
  REQUIRE(server.Kill().ok());
  std::this_thread::sleep_for(500ms);  // the watch is in its backoff loop by now
  auto started = std::chrono::steady_clock::now();
  (*watch)->Cancel();
  CHECK(std::chrono::steady_clock::now() - started < 500ms);
  CHECK_FALSE(sink->WaitForError(100ms).has_value());
}

}  // namespace
}  // namespace mini::store::etcd::testing
