// KvStore behaviours beyond the conformance suite: the threads behind it.
#include "cluster/store/mvcc/kv_store.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <future>

#include "test/cluster/store/watch_collector.h"

namespace mini::store::mvcc {
namespace {

using namespace std::chrono_literals;
using store::testing::WatchCollector;

BackendPtr OpenMemory() { return NewKvStore(nullptr).value(); }

class StuckSink : public WatchCollector {
 public:
  void OnEvents(std::vector<Event> events) override {
    released_.wait();
    WatchCollector::OnEvents(std::move(events));
  }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST_SUITE("store/mvcc/kv_store") {
  TEST_CASE("a sink that never returns slows neither writers nor other watchers") {
    BackendPtr store = OpenMemory();
    auto stuck = std::make_shared<StuckSink>();
    WatchPtr stuck_watch = store->Watch("/", true, 0, stuck).value();
    auto healthy = std::make_shared<WatchCollector>();
    WatchPtr healthy_watch = store->Watch("/", true, 0, healthy).value();
    for (int i = 0; i < 200; ++i) {
      REQUIRE(store->Create(fmt::format("/k{}", i), "v").ok());
    }
    CHECK(healthy->WaitForEvents(200));
    stuck->Release();
    CHECK(stuck->WaitForEvents(200));
  }

  TEST_CASE("destroying the store ends live watches quietly") {
    BackendPtr store = OpenMemory();
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = store->Watch("/", true, 0, sink).value();
    REQUIRE(store->Create("/a", "v").ok());
    REQUIRE(sink->WaitForEvents(1));
    store.reset();
    watch->Cancel();
    watch.reset();
    CHECK(!sink->WaitForError(20ms).has_value());
    CHECK(sink->Events().size() == 1);
  }

  TEST_CASE("a watch from 0 starts after what readers already see") {
    BackendPtr store = OpenMemory();
    KeyValue seen = store->Create("/a", "1").value();
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = store->Watch("/", true, 0, sink).value();
    KeyValue next = store->Update("/a", "2", seen.mod_revision).value();
    REQUIRE(sink->WaitForEvents(1));
    CHECK(sink->Events()[0].kv == next);
    CHECK(store->Watch("", false, 0, sink).status().code() == Code::kInvalidArgument);
    CHECK(store->Watch("/", true, -1, sink).status().code() == Code::kInvalidArgument);
  }

  TEST_CASE("compaction keeps the current state and the state at the compaction point") {
    BackendPtr store = OpenMemory();
    for (int i = 0; i < 3000; ++i) {
      REQUIRE(store->Create(fmt::format("/k{:04}", i), "1").ok());
    }
    KeyValue kv = store->Get("/k0007").value();
    for (int i = 0; i < 5; ++i) {
      kv = store->Update(kv.key, std::to_string(i), kv.mod_revision).value();
    }
    int64_t point = store->CurrentRevision().value();
    REQUIRE(store->Delete("/k0008").ok());
    REQUIRE(store->Compact(point).ok());
    CHECK(store->Get("/k0007", point).value() == kv);
    CHECK(store->Get("/k0008", point)->value == "1");
    CHECK(store->Get("/k0008").status().code() == Code::kNotFound);
    RangeRequest all{.key = "/", .prefix = true};
    CHECK(store->Range(all)->count == 2999);
    CHECK(store->Compact(point - 1).ok());
    CHECK(store->CompactedRevision().value() == point);
  }

  TEST_CASE("a store closed while writers wait finishes their writes") {
    BackendPtr store = OpenMemory();
    std::vector<std::future<bool>> writes;
    for (int i = 0; i < 8; ++i) {
      writes.push_back(std::async(std::launch::async, [&store, i] {
        return store->Create(fmt::format("/w{}", i), "v").ok();
      }));
    }
    for (std::future<bool>& write : writes) {
      CHECK(write.get());
    }
    store.reset();
  }
}

}  // namespace
}  // namespace mini::store::mvcc
