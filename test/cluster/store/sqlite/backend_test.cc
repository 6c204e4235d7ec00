// The embedded backend across restarts: what mvcc::KvStore rebuilds from the SQLite log.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "cluster/store/sqlite/sqlite_backend.h"
#include "test/cluster/store/watch_collector.h"
#include "test/temp_dir.h"

namespace mini::store::sqlite {
namespace {

BackendPtr OpenBackend(const std::filesystem::path& path) {
  auto backend = NewSqliteBackend(path);
  REQUIRE_MESSAGE(backend.ok(), backend.status().ToString());
  return std::move(backend).value();
}

KeyValue Must(Result<KeyValue> kv) {
  REQUIRE_MESSAGE(kv.ok(), kv.status().ToString());
  return std::move(kv).value();
}

TEST_SUITE("store/sqlite/backend") {
  TEST_CASE("a reopened store has every key, byte-exact, and continues the revisions") {
    mini::testing::TempDir dir;
    std::string binary_key("k\0\xff\xfe", 4);
    std::string binary_value("\0\x80 v \xc3", 6);
    KeyValue binary;
    KeyValue updated;
    {
      auto store = OpenBackend(dir / "mini.db");
      binary = Must(store->Create(binary_key, binary_value));
      KeyValue a = Must(store->Create("a", "1"));
      updated = Must(store->Update("a", "2", a.mod_revision));
      Must(store->Create("gone", "x"));
      Must(store->Delete("gone"));
    }
    auto store = OpenBackend(dir / "mini.db");
    CHECK(Must(store->Get(binary_key)) == binary);
    CHECK(Must(store->Get("a")) == updated);
    CHECK(updated.version == 2);
    CHECK(store->Get("gone").status().code() == Code::kNotFound);
    int64_t current = store->CurrentRevision().value();
    CHECK(current == updated.mod_revision + 2);
    CHECK(Must(store->Create("next", "v")).mod_revision == current + 1);
    auto range = store->Range(RangeRequest{.prefix = true});
    REQUIRE(range.ok());
    CHECK(range->count == 3);
  }

  TEST_CASE("a watch from an old revision replays history written before the reopen") {
    mini::testing::TempDir dir;
    int64_t first = 0;
    {
      auto store = OpenBackend(dir / "mini.db");
      KeyValue created = Must(store->Create("w/k", "1"));
      first = created.mod_revision;
      Must(store->Update("w/k", "2", created.mod_revision));
      Must(store->Delete("w/k"));
    }
    auto store = OpenBackend(dir / "mini.db");
    auto collector = std::make_shared<store::testing::WatchCollector>();
    auto watch = store->Watch("w/", true, first, collector);
    REQUIRE_MESSAGE(watch.ok(), watch.status().ToString());
    REQUIRE(collector->WaitForEvents(3));
    std::vector<Event> events = collector->Events();
    CHECK(events[0].type == Event::Type::kPut);
    CHECK_FALSE(events[0].prev_kv.has_value());
    CHECK(events[1].kv.value == "2");
    REQUIRE(events[1].prev_kv.has_value());
    CHECK(events[1].prev_kv->value == "1");
    CHECK(events[2].type == Event::Type::kDelete);
    CHECK(events[2].kv.mod_revision == first + 2);
    REQUIRE(events[2].prev_kv.has_value());
    CHECK(events[2].prev_kv->value == "2");
  }

  TEST_CASE("leases and their keys survive a reopen, and lease ids are not reused") {
    mini::testing::TempDir dir;
    LeaseId lease = 0;
    {
      auto store = OpenBackend(dir / "mini.db");
      auto granted = store->GrantLease(std::chrono::seconds(600));
      REQUIRE(granted.ok());
      lease = *granted;
      Must(store->Create("leased", "v", lease));
    }
    auto store = OpenBackend(dir / "mini.db");
    CHECK(Must(store->Get("leased")).lease == lease);
    CHECK(store->KeepAlive(lease).ok());
    auto another = store->GrantLease(std::chrono::seconds(600));
    REQUIRE(another.ok());
    CHECK(*another != lease);
    REQUIRE(store->RevokeLease(lease).ok());
    CHECK(store->Get("leased").status().code() == Code::kNotFound);
    store.reset();
    store = OpenBackend(dir / "mini.db");
    CHECK(store->Get("leased").status().code() == Code::kNotFound);
    CHECK(store->KeepAlive(lease).code() == Code::kNotFound);
  }

  TEST_CASE("the compaction point survives a reopen") {
    mini::testing::TempDir dir;
    int64_t compacted = 0;
    {
      auto store = OpenBackend(dir / "mini.db");
      KeyValue kv = Must(store->Create("k", "1"));
      for (int i = 2; i <= 10; ++i) {
        kv = Must(store->Update("k", std::to_string(i), kv.mod_revision));
      }
      compacted = kv.mod_revision - 3;
      REQUIRE(store->Compact(compacted).ok());
    }
    auto store = OpenBackend(dir / "mini.db");
    CHECK(store->CompactedRevision().value() == compacted);
    auto old = store->Get("k", compacted - 1);
    CHECK(old.status().code() == Code::kOutOfRange);
    CHECK(old.status().reason() == kReasonCompacted);
    CHECK(Must(store->Get("k", compacted)).value == "7");
    CHECK(Must(store->Get("k")).value == "10");
    auto collector = std::make_shared<store::testing::WatchCollector>();
    auto watch = store->Watch("k", false, compacted - 1, collector);
    if (watch.ok()) {
      auto error = collector->WaitForError();
      REQUIRE(error.has_value());
      CHECK(error->reason() == kReasonCompacted);
    } else {
      CHECK(watch.status().reason() == kReasonCompacted);
    }
  }
}

}  // namespace
}  // namespace mini::store::sqlite
