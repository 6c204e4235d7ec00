#include "cluster/store/mvcc/watch_hub.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "test/cluster/store/watch_collector.h"

namespace mini::store::mvcc {
namespace {

using namespace std::chrono_literals;
using store::testing::WatchCollector;

Change Put(int64_t revision, const std::string& key) {
  Change change;
  change.key = key;
  change.version.revision = revision;
  change.version.create_revision = revision;
  change.version.version = 1;
  change.version.value = std::make_shared<const std::string>(fmt::format("v{}", revision));
  return change;
}

// Changes first..last on keys /k/<revision % 3>.
std::vector<Change> Changes(int64_t first, int64_t last) {
  std::vector<Change> changes;
  for (int64_t r = first; r <= last; ++r) {
    changes.push_back(Put(r, fmt::format("/k/{}", r % 3)));
  }
  return changes;
}

// Blocks inside OnEvents until released, to stand in for a slow consumer.
class BlockingSink : public WatchCollector {
 public:
  void OnEvents(std::vector<Event> events) override {
    if (!entered_once_.exchange(true)) {
      entered_.set_value();
    }
    released_.wait();
    WatchCollector::OnEvents(std::move(events));
  }
  void WaitEntered() { entered_.get_future().wait(); }
  void Release() { release_.set_value(); }

 private:
  std::atomic<bool> entered_once_ = false;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

std::vector<int64_t> Revisions(const std::vector<Event>& events) {
  std::vector<int64_t> revisions;
  for (const Event& event : events) {
    revisions.push_back(event.kv.mod_revision);
  }
  return revisions;
}

TEST_SUITE("store/mvcc/watch_hub") {
  TEST_CASE("a watch replays the history from its revision, then live changes, filtered") {
    auto hub = WatchHub::Start(0, 6, Changes(1, 6));
    auto prefix = std::make_shared<WatchCollector>();
    auto exact = std::make_shared<WatchCollector>();
    WatchPtr w1 = hub->Watch("/k/", true, 2, prefix).value();
    WatchPtr w2 = hub->Watch("/k/1", false, 1, exact).value();
    hub->Publish(Changes(7, 9));
    REQUIRE(prefix->WaitForEvents(8));
    REQUIRE(exact->WaitForEvents(3));
    CHECK(Revisions(prefix->Events()) == std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9});
    CHECK(Revisions(exact->Events()) == std::vector<int64_t>{1, 4, 7});
    hub->Shutdown();
  }

  TEST_CASE("large backlogs arrive in bounded batches, in order, exactly once") {
    constexpr int64_t kChanges = 3 * WatchHub::kMaxBatchEvents + 7;
    auto hub = WatchHub::Start(0, kChanges, Changes(1, kChanges));
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = hub->Watch("/", true, 1, sink).value();
    REQUIRE(sink->WaitForEvents(kChanges));
    std::vector<int64_t> revisions = Revisions(sink->Events());
    REQUIRE(revisions.size() == kChanges);
    for (int64_t i = 0; i < kChanges; ++i) {
      CHECK(revisions[i] == i + 1);
    }
    CHECK(sink->Batches() >= 4);
    hub->Shutdown();
  }

  TEST_CASE("a watch from a future revision waits for it, one at the compaction point fails") {
    auto hub = WatchHub::Start(3, 5, Changes(4, 5));
    auto early = std::make_shared<WatchCollector>();
    Result<WatchPtr> compacted = hub->Watch("/", true, 3, early);
    CHECK(compacted.status().code() == Code::kOutOfRange);
    CHECK(compacted.status().reason() == kReasonCompacted);
    auto later = std::make_shared<WatchCollector>();
    WatchPtr watch = hub->Watch("/", true, 8, later).value();
    hub->Publish(Changes(6, 9));
    REQUIRE(later->WaitForEvents(2));
    CHECK(Revisions(later->Events()) == std::vector<int64_t>{8, 9});
    hub->Shutdown();
  }

  TEST_CASE("a watcher that matches none of many commits still gets the first one it matches") {
    auto hub = WatchHub::Start(0, 0, {});
    auto other = std::make_shared<WatchCollector>();
    auto future = std::make_shared<WatchCollector>();
    WatchPtr w1 = hub->Watch("/other/", true, 1, other).value();
    // From revision 20 on: the commits below it match its key, and must not move it back.
    WatchPtr w2 = hub->Watch("/k/1", false, 20, future).value();
    for (int64_t first = 1; first <= 19; first += 3) {
      hub->Publish(Changes(first, first + 2));
    }
    hub->Publish({Put(22, "/k/1"), Put(23, "/other/x")});
    REQUIRE(other->WaitForEvents(1));
    REQUIRE(future->WaitForEvents(1));
    CHECK(Revisions(other->Events()) == std::vector<int64_t>{23});
    CHECK(Revisions(future->Events()) == std::vector<int64_t>{22});
    hub->Shutdown();
  }

  TEST_CASE("Cancel waits for a delivery in progress, and nothing follows it") {
    auto hub = WatchHub::Start(0, 0, {});
    auto slow = std::make_shared<BlockingSink>();
    WatchPtr watch = hub->Watch("/", true, 1, slow).value();
    hub->Publish(Changes(1, 1));
    slow->WaitEntered();
    std::atomic<bool> returned = false;
    std::thread canceller([&] {
      watch->Cancel();
      returned = true;
    });
    std::this_thread::sleep_for(50ms);
    CHECK(!returned);  // still inside OnEvents
    slow->Release();
    canceller.join();
    CHECK(slow->Events().size() == 1);
    hub->Publish(Changes(2, 3));
    std::this_thread::sleep_for(50ms);
    CHECK(slow->Events().size() == 1);
    hub->Shutdown();
  }

  TEST_CASE("Cancel from inside the sink returns at once and ends the watch") {
    auto hub = WatchHub::Start(0, 0, {});
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = hub->Watch("/", true, 1, sink).value();
    sink->SetOnBatch([&watch] { watch->Cancel(); });
    hub->Publish(Changes(1, 1));
    REQUIRE(sink->WaitForEvents(1));
    auto witness = std::make_shared<WatchCollector>();
    WatchPtr other = hub->Watch("/", true, 2, witness).value();
    hub->Publish(Changes(2, 4));
    REQUIRE(witness->WaitForEvents(3));
    std::this_thread::sleep_for(20ms);
    CHECK(sink->Batches() == 1);
    hub->Shutdown();
  }

  TEST_CASE("a stuck sink delays only its own watch") {
    auto hub = WatchHub::Start(0, 0, {});
    auto stuck = std::make_shared<BlockingSink>();
    WatchPtr stuck_watch = hub->Watch("/", true, 1, stuck).value();
    auto healthy = std::make_shared<WatchCollector>();
    WatchPtr healthy_watch = hub->Watch("/", true, 1, healthy).value();
    hub->Publish(Changes(1, 1));
    stuck->WaitEntered();
    for (int64_t r = 2; r <= 50; ++r) {
      hub->Publish(Changes(r, r));
    }
    CHECK(healthy->WaitForEvents(50));
    stuck->Release();
    REQUIRE(stuck->WaitForEvents(50));
    CHECK(Revisions(stuck->Events()).back() == 50);
    hub->Shutdown();
  }

  TEST_CASE("compaction keeps the history a lagging watcher still needs, then frees it") {
    constexpr int64_t kChanges = 1000;
    auto hub = WatchHub::Start(0, kChanges, Changes(1, kChanges));
    auto slow = std::make_shared<BlockingSink>();
    WatchPtr watch = hub->Watch("/", true, 1, slow).value();
    slow->WaitEntered();  // holding the first batch; the rest is still to come
    hub->Compact(900);
    auto late = std::make_shared<WatchCollector>();
    CHECK(hub->Watch("/", true, 900, late).status().reason() == kReasonCompacted);
    slow->Release();
    REQUIRE(slow->WaitForEvents(kChanges));
    CHECK(Revisions(slow->Events()).back() == kChanges);
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (hub->HistorySize() != 100 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    CHECK(hub->HistorySize() == 100);
    hub->Shutdown();
  }

  TEST_CASE("shutting down ends watches quietly, their handles stay safe to use") {
    auto hub = WatchHub::Start(0, 0, {});
    auto sink = std::make_shared<WatchCollector>();
    WatchPtr watch = hub->Watch("/", true, 1, sink).value();
    hub->Publish(Changes(1, 1));
    REQUIRE(sink->WaitForEvents(1));
    hub->Shutdown();
    CHECK(hub->Watch("/", true, 1, sink).status().code() == Code::kUnavailable);
    hub.reset();
    watch->Cancel();
    watch.reset();
    CHECK(!sink->WaitForError(10ms).has_value());
  }
}

}  // namespace
}  // namespace mini::store::mvcc
