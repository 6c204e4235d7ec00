// The store over a fake Log: what reaches the log, what happens when it fails, and what a
// store reopened over it rebuilds.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <thread>

#include "cluster/store/mvcc/kv_store.h"
#include "test/cluster/store/mvcc/fake_log.h"
#include "test/cluster/store/watch_collector.h"

namespace mini::store::mvcc {
namespace {

using namespace std::chrono_literals;
using store::testing::WatchCollector;
using testing::LogState;
using testing::NewFakeLog;

BackendPtr Open(const std::shared_ptr<LogState>& state) {
  Result<BackendPtr> store = NewKvStore(NewFakeLog(state));
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

// Every event from revision 1 on, once `count` have arrived.
std::vector<Event> History(Backend& store, size_t count) {
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = store.Watch("/", true, 1, sink);
  REQUIRE(watch.ok());
  REQUIRE(sink->WaitForEvents(count));
  return sink->Events();
}

TEST_SUITE("store/mvcc/log") {
  TEST_CASE("a write the log refuses fails with the log's error and changes nothing") {
    auto state = std::make_shared<LogState>();
    BackendPtr store = Open(state);
    KeyValue k1 = store->Create("/k1", "v1").value();
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = store->Watch("/", true, 0, sink).value();

    state->fail_append = Error(Code::kResourceExhausted, "disk full");
    Status refused = store->Create("/k2", "v2").status();
    CHECK(refused.code() == Code::kResourceExhausted);
    CHECK(refused.message() == "disk full");
    CHECK(store->Update("/k1", "x", k1.mod_revision).status().code() == Code::kResourceExhausted);
    CHECK(store->GrantLease(5s).status().code() == Code::kResourceExhausted);
    // A write that fails on its own merits keeps its own error.
    CHECK(store->Create("/k1", "again").status().code() == Code::kAlreadyExists);
    CHECK(store->CurrentRevision().value() == k1.mod_revision);
    CHECK(store->Get("/k2").status().code() == Code::kNotFound);
    CHECK(store->Get("/k1").value() == k1);

    state->fail_append = Status::Ok();
    KeyValue k2 = store->Create("/k2", "v2").value();
    CHECK(k2.mod_revision == k1.mod_revision + 1);  // no gap where the failed writes were
    REQUIRE(sink->WaitForEvents(1));
    std::this_thread::sleep_for(20ms);
    CHECK(sink->Events().size() == 1);
    CHECK(sink->Events()[0].kv == k2);
    CHECK(state->AllRecords().size() == 2);
  }

  TEST_CASE("concurrent writers are group-committed in consecutive revisions") {
    auto state = std::make_shared<LogState>();
    state->append_delay = 2ms;
    BackendPtr store = Open(state);
    constexpr int kThreads = 16;
    constexpr int kWrites = 20;
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&store, t] {
        for (int i = 0; i < kWrites; ++i) {
          CHECK(store->Create(fmt::format("/g/{}/{}", t, i), "v").ok());
        }
      });
    }
    for (std::thread& writer : writers) {
      writer.join();
    }
    std::vector<Record> records = state->AllRecords();
    REQUIRE(records.size() == kThreads * kWrites);
    for (size_t i = 0; i < records.size(); ++i) {
      CHECK(records[i].revision == static_cast<int64_t>(i) + 1);
    }
    std::lock_guard lock(state->mu);
    CHECK(state->batches.size() < records.size() / 2);
  }

  TEST_CASE("reopening rebuilds the keys, the history with prev_kv, and the leases") {
    auto state = std::make_shared<LogState>();
    std::vector<Event> before;
    LeaseId lease = 0;
    LeaseId revoked = 0;
    {
      BackendPtr store = Open(state);
      KeyValue a = store->Create("/a", "1").value();
      REQUIRE(store->Update("/a", "2", a.mod_revision).ok());
      lease = store->GrantLease(30s).value();
      REQUIRE(store->Create("/b", "leased", lease).ok());
      REQUIRE(store->Delete("/a").ok());
      REQUIRE(store->Create("/c", "3").ok());
      revoked = store->GrantLease(30s).value();
      REQUIRE(store->RevokeLease(revoked).ok());
      before = History(*store, 5);
    }
    BackendPtr store = Open(state);
    CHECK(store->CurrentRevision().value() == 5);
    CHECK(History(*store, 5) == before);
    CHECK(store->Get("/a").status().code() == Code::kNotFound);
    CHECK(store->Get("/a", 2)->value == "2");
    CHECK(store->Get("/b")->lease == lease);
    CHECK(store->KeepAlive(lease).ok());
    CHECK(store->KeepAlive(revoked).code() == Code::kNotFound);
    CHECK(store->GrantLease(30s).value() > revoked);
    REQUIRE(store->RevokeLease(lease).ok());
    CHECK(store->Get("/b").status().code() == Code::kNotFound);  // the lease still held it
    CHECK(store->Create("/d", "4").value().mod_revision == 7);
  }

  TEST_CASE("a compacted log serves reads from its compaction point and watches after it") {
    auto state = std::make_shared<LogState>();
    {
      BackendPtr store = Open(state);
      KeyValue a = store->Create("/a", "1").value();           // 1
      KeyValue b = store->Create("/b", "1").value();           // 2
      a = store->Update("/a", "2", a.mod_revision).value();    // 3
      REQUIRE(store->Delete("/b").ok());                       // 4
      REQUIRE(store->Update("/a", "3", a.mod_revision).ok());  // 5
      REQUIRE(store->Compact(4).ok());
      CHECK(state->compacted == 4);
    }
    BackendPtr store = Open(state);
    CHECK(store->CompactedRevision().value() == 4);
    CHECK(store->Get("/a", 3).status().reason() == kReasonCompacted);
    CHECK(store->Get("/a", 4)->value == "2");
    CHECK(store->Get("/b", 4).status().code() == Code::kNotFound);
    auto early = std::make_shared<WatchCollector>();
    CHECK(store->Watch("/", true, 4, early).status().reason() == kReasonCompacted);
    CHECK(store->Watch("/", true, 1, early).status().reason() == kReasonCompacted);
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = store->Watch("/", true, 5, sink).value();
    REQUIRE(sink->WaitForEvents(1));
    CHECK(sink->Events()[0].kv.value == "3");
    REQUIRE(sink->Events()[0].prev_kv.has_value());
    CHECK(sink->Events()[0].prev_kv->value == "2");
  }

  TEST_CASE("a compaction the log refuses changes nothing") {
    auto state = std::make_shared<LogState>();
    BackendPtr store = Open(state);
    KeyValue a = store->Create("/a", "1").value();
    REQUIRE(store->Update("/a", "2", a.mod_revision).ok());
    state->fail_compact = Error(Code::kResourceExhausted, "disk full");
    CHECK(store->Compact(2).code() == Code::kResourceExhausted);
    CHECK(store->CompactedRevision().value() == 0);
    CHECK(store->Get("/a", 1)->value == "1");
  }

  TEST_CASE("Load errors come back as they are, an inconsistent log is refused") {
    auto state = std::make_shared<LogState>();
    state->fail_load = Error(Code::kFailedPrecondition, "/x/db is not a mini datastore");
    Result<BackendPtr> refused = NewKvStore(NewFakeLog(state));
    CHECK(refused.status().code() == Code::kFailedPrecondition);
    CHECK(refused.status().message() == "/x/db is not a mini datastore");

    auto broken = std::make_shared<LogState>();
    Batch batch;
    batch.records.push_back(Record{.revision = 2, .key = "/a", .value = "x"});
    batch.records.push_back(Record{.revision = 1, .key = "/b", .value = "y"});
    broken->batches.push_back(batch);
    Result<BackendPtr> inconsistent = NewKvStore(NewFakeLog(broken));
    CHECK(inconsistent.status().code() == Code::kFailedPrecondition);
    CHECK(inconsistent.status().reason() == "STORE_LOG_INCONSISTENT");
  }

  TEST_CASE("an expired lease is revoked through the log like any write") {
    auto state = std::make_shared<LogState>();
    Result<BackendPtr> opened = NewKvStore(NewFakeLog(state), {.lease_check_interval = 20ms});
    REQUIRE(opened.ok());
    BackendPtr store = std::move(opened).value();
    LeaseId lease = store->GrantLease(1s).value();
    REQUIRE(store->Create("/ttl", "v", lease).ok());
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (store->Get("/ttl").ok() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    CHECK(store->Get("/ttl").status().code() == Code::kNotFound);
    std::lock_guard lock(state->mu);
    REQUIRE(!state->batches.empty());
    const Batch& last = state->batches.back();
    CHECK(last.revoked == std::vector<LeaseId>{lease});
    REQUIRE(last.records.size() == 1);
    CHECK(last.records[0].deleted);
    CHECK(last.records[0].key == "/ttl");
  }
}

}  // namespace
}  // namespace mini::store::mvcc
