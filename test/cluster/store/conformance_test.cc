// The datastore conformance suite: every case runs against every registered backend, each on a
// freshly opened, empty store. Revisions are compared only with each other, never with fixed
// numbers, because etcd's are global and start wherever the cluster is.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/store/backend.h"
#include "test/cluster/store/fixture.h"
#include "test/cluster/store/watch_collector.h"

namespace mini::store::testing {
namespace {

using namespace std::chrono_literals;

// Runs `body` once per backend, each on a fresh store; failures name the backend.
template <typename Body>
void ForEachBackend(Body&& body) {
  std::vector<StoreFixture*> fixtures = Fixtures();
  REQUIRE(!fixtures.empty());
  for (StoreFixture* fixture : fixtures) {
    std::string backend = fixture->Name();
    CAPTURE(backend);
    BackendPtr store = fixture->Open();
    REQUIRE(store != nullptr);
    body(*store);
  }
}

KeyValue MustCreate(Backend& store, const std::string& key, const std::string& value,
                    LeaseId lease = 0) {
  Result<KeyValue> created = store.Create(key, value, lease);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return created.value();
}

KeyValue MustUpdate(Backend& store, const KeyValue& current, const std::string& value) {
  Result<KeyValue> updated = store.Update(current.key, value, current.mod_revision);
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  return updated.value();
}

int64_t Current(Backend& store) {
  Result<int64_t> revision = store.CurrentRevision();
  REQUIRE(revision.ok());
  return revision.value();
}

RangeResult MustRange(Backend& store, RangeRequest request) {
  Result<RangeResult> range = store.Range(request);
  REQUIRE_MESSAGE(range.ok(), range.status().ToString());
  return range.value();
}

std::vector<std::string> Keys(const RangeResult& range) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : range.kvs) {
    keys.push_back(kv.key);
  }
  return keys;
}

RangeRequest Prefix(const std::string& prefix, int64_t revision = 0, int64_t limit = 0) {
  RangeRequest request;
  request.key = prefix;
  request.prefix = true;
  request.revision = revision;
  request.limit = limit;
  return request;
}

void CheckOutOfRange(const Status& status, const char* reason) {
  CHECK(status.code() == Code::kOutOfRange);
  CHECK(status.reason() == reason);
}

// Watches and checks the watch is refused as compacted, either at once or through OnError.
void CheckWatchCompacted(Backend& store, const std::string& prefix, int64_t from) {
  auto sink = std::make_shared<WatchCollector>();
  Result<WatchPtr> watch = store.Watch(prefix, true, from, sink);
  if (!watch.ok()) {
    CheckOutOfRange(watch.status(), kReasonCompacted);
    return;
  }
  std::optional<Status> error = sink->WaitForError();
  REQUIRE(error.has_value());
  CheckOutOfRange(*error, kReasonCompacted);
  CHECK(sink->Events().empty());
}

// Writes `key` and waits until `sink` has seen it as its `count`-th event: everything
// written before has been delivered by then.
void Sync(Backend& store, WatchCollector& sink, const std::string& key, size_t count) {
  MustCreate(store, key, "sync");
  REQUIRE(sink.WaitForEvents(count));
  REQUIRE(sink.Events().size() == count);
  CHECK(sink.Events().back().kv.key == key);
}

// Each of `threads` writers creates `keys` keys under `prefix`, updates each three times and
// deletes every other one. Returns the revision of every write.
std::set<int64_t> WriteConcurrently(Backend& store, const std::string& prefix, int threads,
                                    int keys) {
  std::vector<std::vector<int64_t>> revisions(threads);
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < keys; ++i) {
        std::string key = fmt::format("{}{}/{}", prefix, t, i);
        Result<KeyValue> kv = store.Create(key, "0");
        for (int n = 1; kv.ok() && n <= 3; ++n) {
          revisions[t].push_back(kv->mod_revision);
          kv = store.Update(key, std::to_string(n), kv->mod_revision);
        }
        if (kv.ok() && i % 2 == 0) {
          revisions[t].push_back(kv->mod_revision);
          kv = store.Delete(key, kv->mod_revision);
        }
        if (kv.ok()) {
          revisions[t].push_back(kv->mod_revision);
        }
      }
    });
  }
  for (std::thread& writer : writers) {
    writer.join();
  }
  std::set<int64_t> written;
  for (const std::vector<int64_t>& mine : revisions) {
    written.insert(mine.begin(), mine.end());
  }
  REQUIRE(written.size() == static_cast<size_t>(threads * keys * 4 + threads * keys / 2));
  return written;
}

// Applies `events` in order, checking revisions strictly increase and every prev_kv is the
// state it replaces. Returns the resulting keys, sorted; `delivered` gets every revision.
std::vector<KeyValue> Replay(const std::vector<Event>& events, std::set<int64_t>* delivered) {
  std::map<std::string, KeyValue> state;
  int64_t last = 0;
  for (const Event& event : events) {
    CHECK(event.kv.mod_revision > last);
    last = event.kv.mod_revision;
    delivered->insert(event.kv.mod_revision);
    auto it = state.find(event.kv.key);
    CHECK(event.prev_kv.has_value() == (it != state.end()));
    if (event.prev_kv && it != state.end()) {
      CHECK(*event.prev_kv == it->second);
    }
    if (event.type == Event::Type::kPut) {
      state[event.kv.key] = event.kv;
    } else {
      state.erase(event.kv.key);
    }
  }
  std::vector<KeyValue> kvs;
  for (const auto& entry : state) {
    kvs.push_back(entry.second);
  }
  return kvs;
}

TEST_SUITE("store/conformance") {
  TEST_CASE("create, get, update and delete round-trip with revisions and versions") {
    ForEachBackend([](Backend& store) {
      KeyValue created = MustCreate(store, "/rt/k", "v1");
      CHECK(created.key == "/rt/k");
      CHECK(created.value == "v1");
      CHECK(created.version == 1);
      CHECK(created.create_revision == created.mod_revision);
      CHECK(Current(store) >= created.mod_revision);
      CHECK(store.Get("/rt/k").value() == created);

      KeyValue updated = MustUpdate(store, created, "v2");
      CHECK(updated.version == 2);
      CHECK(updated.create_revision == created.create_revision);
      CHECK(updated.mod_revision > created.mod_revision);
      CHECK(store.Get("/rt/k").value() == updated);

      Result<KeyValue> deleted = store.Delete("/rt/k", updated.mod_revision);
      REQUIRE(deleted.ok());
      CHECK(deleted->key == "/rt/k");
      CHECK(deleted->value == "v2");
      CHECK(deleted->mod_revision > updated.mod_revision);
      CHECK(store.Get("/rt/k").status().code() == Code::kNotFound);
      CHECK(store.Get("/rt/k", updated.mod_revision).value() == updated);

      KeyValue again = MustCreate(store, "/rt/k", "v3");
      CHECK(again.version == 1);
      CHECK(again.create_revision > deleted->mod_revision);
    });
  }

  TEST_CASE("Create on an existing key is AlreadyExists and changes nothing") {
    ForEachBackend([](Backend& store) {
      KeyValue created = MustCreate(store, "/dup", "first");
      int64_t before = Current(store);
      CHECK(store.Create("/dup", "second").status().code() == Code::kAlreadyExists);
      CHECK(store.Get("/dup").value() == created);
      CHECK(Current(store) == before);
    });
  }

  TEST_CASE("Update and Delete are compare-and-swap: stale is Conflict, absent is NotFound") {
    ForEachBackend([](Backend& store) {
      KeyValue v1 = MustCreate(store, "/cas", "1");
      KeyValue v2 = MustUpdate(store, v1, "2");
      CHECK(store.Update("/cas", "stale", v1.mod_revision).status().code() == Code::kConflict);
      CHECK(store.Update("/absent", "x", v1.mod_revision).status().code() == Code::kNotFound);
      CHECK(store.Delete("/cas", v1.mod_revision).status().code() == Code::kConflict);
      CHECK(store.Delete("/absent", v1.mod_revision).status().code() == Code::kNotFound);
      CHECK(store.Delete("/absent").status().code() == Code::kNotFound);
      CHECK(store.Get("/cas").value() == v2);
      CHECK(store.Delete("/cas", v2.mod_revision).ok());
      CHECK(store.Update("/cas", "late", v2.mod_revision).status().code() == Code::kNotFound);
      KeyValue other = MustCreate(store, "/any", "x");
      Result<KeyValue> unconditional = store.Delete("/any");
      REQUIRE(unconditional.ok());
      CHECK(unconditional->mod_revision > other.mod_revision);
    });
  }

  TEST_CASE("asynchronous writes answer once each, with the results of their blocking forms") {
    ForEachBackend([](Backend& store) {
      constexpr int kWrites = 200;
      std::mutex mu;
      std::condition_variable cv;
      std::vector<Result<KeyValue>> results;
      auto collect = [&](Result<KeyValue> result) {
        std::lock_guard lock(mu);
        results.push_back(std::move(result));
        cv.notify_all();
      };
      auto await = [&](size_t count) {
        std::unique_lock lock(mu);
        REQUIRE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return results.size() >= count; }));
      };
      // Issued without waiting, so a group-committing backend batches them.
      for (int i = 0; i < kWrites; ++i) {
        store.CreateAsync("/async/" + std::to_string(i), "v", 0, collect);
      }
      await(kWrites);
      std::set<int64_t> revisions;
      for (const Result<KeyValue>& result : results) {
        REQUIRE(result.ok());
        CHECK(result->version == 1);
        revisions.insert(result->mod_revision);
      }
      CHECK(revisions.size() == kWrites);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      CHECK(results.size() == kWrites);  // and no callback twice

      KeyValue first = store.Get("/async/0").value();
      results.clear();
      store.CreateAsync("/async/0", "again", 0, collect);
      store.UpdateAsync("/async/0", "new", first.mod_revision, 0, collect);
      await(2);
      store.UpdateAsync("/async/0", "stale", first.mod_revision, 0, collect);
      store.DeleteAsync("/async/absent", 0, collect);
      await(4);
      CHECK(results[0].status().code() == Code::kAlreadyExists);
      REQUIRE(results[1].ok());
      CHECK(results[1]->value == "new");
      CHECK(results[2].status().code() == Code::kConflict);
      CHECK(results[3].status().code() == Code::kNotFound);
      store.DeleteAsync("/async/0", results[1]->mod_revision, collect);
      await(5);
      REQUIRE(results[4].ok());
      CHECK(store.Get("/async/0").status().code() == Code::kNotFound);
    });
  }

  TEST_CASE("watch events carry prev_kv for updates and deletes, none for creations") {
    ForEachBackend([](Backend& store) {
      auto sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/pk/", true, 0, sink);
      REQUIRE(watch.ok());
      KeyValue created = MustCreate(store, "/pk/a", "1");
      KeyValue updated = MustUpdate(store, created, "2");
      Result<KeyValue> deleted = store.Delete("/pk/a", updated.mod_revision);
      REQUIRE(deleted.ok());
      REQUIRE(sink->WaitForEvents(3));
      std::vector<Event> events = sink->Events();
      REQUIRE(events.size() == 3);
      CHECK(events[0].type == Event::Type::kPut);
      CHECK(events[0].kv == created);
      CHECK(!events[0].prev_kv.has_value());
      CHECK(events[1].type == Event::Type::kPut);
      CHECK(events[1].kv == updated);
      REQUIRE(events[1].prev_kv.has_value());
      CHECK(*events[1].prev_kv == created);
      CHECK(events[2].type == Event::Type::kDelete);
      CHECK(events[2].kv.key == "/pk/a");
      CHECK(events[2].kv.value.empty());
      CHECK(events[2].kv.mod_revision == deleted->mod_revision);
      REQUIRE(events[2].prev_kv.has_value());
      CHECK(*events[2].prev_kv == updated);
    });
  }

  TEST_CASE("Get and Range read the state at an older revision") {
    ForEachBackend([](Backend& store) {
      KeyValue a1 = MustCreate(store, "/old/a", "a1");
      KeyValue b1 = MustCreate(store, "/old/b", "b1");
      KeyValue a2 = MustUpdate(store, a1, "a2");
      REQUIRE(store.Delete("/old/b").ok());
      MustCreate(store, "/old/c", "c1");

      CHECK(store.Get("/old/a", a1.mod_revision).value() == a1);
      CHECK(store.Get("/old/b", a2.mod_revision).value() == b1);
      CHECK(store.Get("/old/b", a1.mod_revision).status().code() == Code::kNotFound);
      RangeResult at_b1 = MustRange(store, Prefix("/old/", b1.mod_revision));
      CHECK(at_b1.revision == b1.mod_revision);
      CHECK(at_b1.kvs == std::vector<KeyValue>{a1, b1});
      RangeResult now = MustRange(store, Prefix("/old/"));
      CHECK(now.revision == Current(store));
      CHECK(Keys(now) == std::vector<std::string>{"/old/a", "/old/c"});
      CHECK(now.kvs[0] == a2);
    });
  }

  TEST_CASE("reads beyond the current revision are OutOfRange with the future reason") {
    ForEachBackend([](Backend& store) {
      KeyValue kv = MustCreate(store, "/future", "x");
      int64_t ahead = Current(store) + 1000;
      CheckOutOfRange(store.Get("/future", ahead).status(), kReasonFutureRevision);
      CheckOutOfRange(store.Range(Prefix("/", ahead)).status(), kReasonFutureRevision);
      CheckOutOfRange(store.Compact(ahead), kReasonFutureRevision);
      CHECK(store.Get("/future").value() == kv);
    });
  }

  TEST_CASE("pages at a fixed revision stay consistent while writes continue") {
    ForEachBackend([](Backend& store) {
      constexpr int kKeys = 60;
      constexpr int kPage = 7;
      std::vector<std::string> expected;
      for (int i = 0; i < kKeys; ++i) {
        expected.push_back(fmt::format("/page/{:03}", i));
        MustCreate(store, expected.back(), "v");
      }
      // Every page reads the revision the keys were complete at, whatever is written meanwhile.
      const int64_t revision = Current(store);
      std::atomic<bool> stop = false;
      std::thread writer([&] {
        for (int n = 0; !stop; ++n) {
          (void)store.Create(fmt::format("/page/{:03}+{}", n % kKeys, n), "new");
          (void)store.Delete(fmt::format("/page/{:03}", kKeys - 1 - n % kKeys));
        }
      });
      RangeRequest request = Prefix("/page/", revision, kPage);
      std::vector<std::string> seen;
      while (true) {
        RangeResult page = MustRange(store, request);
        CHECK(page.revision == revision);
        CHECK(page.count == kKeys - static_cast<int64_t>(seen.size()));
        CHECK(page.more == (page.count > static_cast<int64_t>(page.kvs.size())));
        for (const KeyValue& kv : page.kvs) {
          CHECK(kv.value == "v");
          CHECK(kv.mod_revision <= revision);
          seen.push_back(kv.key);
        }
        // A write of our own between pages, so the test does not depend on the writer's pace.
        (void)store.Create(fmt::format("/page/{:03}~{}", seen.size(), seen.size()), "between");
        if (!page.more) {
          break;
        }
        REQUIRE(!page.kvs.empty());
        request.start_key = page.kvs.back().key + std::string(1, '\0');
      }
      stop = true;
      writer.join();
      CHECK(seen == expected);  // sorted, no duplicates, no gaps
    });
  }

  TEST_CASE("prefix ranges and watches do not leak into neighbouring keys") {
    ForEachBackend([](Backend& store) {
      for (const char* key : {"/a", "/a/", "/a/x", "/a0", "/ab", "/ab/y", "/b"}) {
        MustCreate(store, key, "v");
      }
      CHECK(Keys(MustRange(store, Prefix("/a/"))) == std::vector<std::string>{"/a/", "/a/x"});
      CHECK(Keys(MustRange(store, Prefix("/ab"))) == std::vector<std::string>{"/ab", "/ab/y"});
      CHECK(Keys(MustRange(store, Prefix("/a"))) ==
            std::vector<std::string>{"/a", "/a/", "/a/x", "/a0", "/ab", "/ab/y"});
      RangeRequest single;
      single.key = "/a";
      RangeResult one = MustRange(store, single);
      CHECK(Keys(one) == std::vector<std::string>{"/a"});
      CHECK(one.count == 1);

      auto sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/a/", true, 0, sink);
      REQUIRE(watch.ok());
      auto exact = std::make_shared<WatchCollector>();
      Result<WatchPtr> exact_watch = store.Watch("/a", false, 0, exact);
      REQUIRE(exact_watch.ok());
      MustCreate(store, "/ab/z", "v");
      MustCreate(store, "/a0/z", "v");
      MustCreate(store, "/a/z", "v");
      Sync(store, *sink, "/a/~sync", 2);
      CHECK(sink->Events()[0].kv.key == "/a/z");
      REQUIRE(store.Update("/a", "w", store.Get("/a")->mod_revision).ok());
      REQUIRE(exact->WaitForEvents(1));
      Sync(store, *sink, "/a/~sync2", 3);
      CHECK(exact->Events().size() == 1);
      CHECK(exact->Events()[0].kv.key == "/a");
    });
  }

  TEST_CASE("binary keys and values are stored and ordered byte-exact") {
    ForEachBackend([](Backend& store) {
      std::string all_bytes;
      for (int b = 0; b < 256; ++b) {
        all_bytes.push_back(static_cast<char>(b));
      }
      // Bytewise order: 0x00 < 'a' < 0xc3 < 0xff < 0xff 0xff.
      const std::vector<std::string> keys = {std::string("bin/\0", 5), std::string("bin/a\0b", 7),
                                             "bin/\xc3\x28",  // not UTF-8
                                             "bin/\xff", "bin/\xff\xff"};
      for (const std::string& key : keys) {
        MustCreate(store, key, all_bytes + key);
      }
      for (const std::string& key : keys) {
        CHECK(store.Get(key).value().value == all_bytes + key);
      }
      CHECK(store.Get("bin/").status().code() == Code::kNotFound);
      CHECK(Keys(MustRange(store, Prefix("bin/"))) == keys);
      CHECK(Keys(MustRange(store, Prefix("bin/\xff"))) ==
            std::vector<std::string>{"bin/\xff", "bin/\xff\xff"});
      MustCreate(store, "\xff\xff", "top");
      CHECK(Keys(MustRange(store, Prefix("\xff"))) == std::vector<std::string>{"\xff\xff"});
    });
  }

  TEST_CASE("an empty key is InvalidArgument") {
    ForEachBackend([](Backend& store) {
      CHECK(store.Create("", "v").status().code() == Code::kInvalidArgument);
      CHECK(store.Update("", "v", 1).status().code() == Code::kInvalidArgument);
    });
  }

  TEST_CASE("a value of exactly 1.5 MiB is accepted, one byte more is refused naming the limit") {
    ForEachBackend([](Backend& store) {
      const std::string largest(kMaxValueBytes, 'x');
      KeyValue big = MustCreate(store, "/big", largest);
      CHECK(store.Get("/big").value().value == largest);
      const std::string too_large(kMaxValueBytes + 1, 'y');
      Status refused = store.Create("/bigger", too_large).status();
      CHECK(refused.code() == Code::kResourceExhausted);
      CHECK(refused.message().find(std::to_string(kMaxValueBytes)) != std::string::npos);
      CHECK(store.Update("/big", too_large, big.mod_revision).status().code() ==
            Code::kResourceExhausted);
      CHECK(store.Get("/big").value() == big);
      CHECK(store.Get("/bigger").status().code() == Code::kNotFound);
    });
  }

  TEST_CASE("many keys: 5000 keys range, page and count") {
    ForEachBackend([](Backend& store) {
      constexpr int kKeys = 5000;
      constexpr int kThreads = 8;
      std::vector<std::thread> writers;
      std::atomic<int> failures = 0;
      for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
          for (int i = t; i < kKeys; i += kThreads) {
            failures += store.Create(fmt::format("/many/{:05}", i), "value").ok() ? 0 : 1;
          }
        });
      }
      for (std::thread& writer : writers) {
        writer.join();
      }
      REQUIRE(failures == 0);
      RangeResult all = MustRange(store, Prefix("/many/"));
      REQUIRE(all.kvs.size() == kKeys);
      CHECK(all.count == kKeys);
      CHECK(!all.more);
      CHECK(std::is_sorted(all.kvs.begin(), all.kvs.end(),
                           [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; }));
      RangeResult page = MustRange(store, Prefix("/many/", 0, 100));
      CHECK(page.kvs.size() == 100);
      CHECK(page.count == kKeys);
      CHECK(page.more);
      RangeRequest count = Prefix("/many/");
      count.count_only = true;
      RangeResult counted = MustRange(store, count);
      CHECK(counted.count == kKeys);
      CHECK(counted.kvs.empty());
      RangeRequest tail = Prefix("/many/");
      tail.start_key = "/many/04990";
      CHECK(MustRange(store, tail).count == 10);
    });
  }

  TEST_CASE("watch under 8 concurrent writers delivers every change once, in order") {
    ForEachBackend([](Backend& store) {
      auto sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/cw/", true, Current(store) + 1, sink);
      REQUIRE(watch.ok());
      std::set<int64_t> written = WriteConcurrently(store, "/cw/", 8, 8);
      Sync(store, *sink, "/cw/~sync", written.size() + 1);
      std::vector<Event> events = sink->Events();
      events.pop_back();  // the sync key
      std::set<int64_t> delivered;
      std::vector<KeyValue> replayed = Replay(events, &delivered);
      CHECK(delivered == written);
      RangeRequest final_state = Prefix("/cw/", events.back().kv.mod_revision);
      CHECK(MustRange(store, final_state).kvs == replayed);
    });
  }

  TEST_CASE("a watch from an older revision replays the history from exactly there") {
    ForEachBackend([](Backend& store) {
      KeyValue a = MustCreate(store, "/resume/a", "1");
      KeyValue a2 = MustUpdate(store, a, "2");
      KeyValue b = MustCreate(store, "/resume/b", "1");
      REQUIRE(store.Delete("/resume/a").ok());

      auto from_start = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/resume/", true, a.mod_revision, from_start);
      REQUIRE(watch.ok());
      auto from_middle = std::make_shared<WatchCollector>();
      Result<WatchPtr> middle = store.Watch("/resume/", true, b.mod_revision, from_middle);
      REQUIRE(middle.ok());
      Sync(store, *from_start, "/resume/~sync", 5);
      REQUIRE(from_middle->WaitForEvents(3));

      std::vector<Event> all = from_start->Events();
      CHECK(all[0].kv == a);
      CHECK(all[1].kv == a2);
      CHECK(all[2].kv == b);
      CHECK(all[3].type == Event::Type::kDelete);
      CHECK(all[3].prev_kv == std::optional<KeyValue>(a2));
      std::vector<Event> tail = from_middle->Events();
      REQUIRE(tail.size() == 3);
      CHECK(tail[0].kv == b);
      CHECK(tail[1].type == Event::Type::kDelete);
      CHECK(tail[2].kv.key == "/resume/~sync");
    });
  }

  TEST_CASE("compaction: reads and watches below the point fail, the current state is intact") {
    ForEachBackend([](Backend& store) {
      KeyValue a1 = MustCreate(store, "/cmp/a", "1");
      KeyValue a2 = MustUpdate(store, a1, "2");
      KeyValue b = MustCreate(store, "/cmp/b", "x");
      KeyValue a3 = MustUpdate(store, a2, "3");
      REQUIRE(store.Compact(b.mod_revision).ok());
      CHECK(store.CompactedRevision().value() >= b.mod_revision);

      CheckOutOfRange(store.Get("/cmp/a", a1.mod_revision).status(), kReasonCompacted);
      CheckOutOfRange(store.Range(Prefix("/cmp/", a2.mod_revision)).status(), kReasonCompacted);
      CheckWatchCompacted(store, "/cmp/", a1.mod_revision);

      CHECK(store.Get("/cmp/a", b.mod_revision).value() == a2);
      CHECK(MustRange(store, Prefix("/cmp/", b.mod_revision)).kvs == std::vector{a2, b});
      CHECK(MustRange(store, Prefix("/cmp/")).kvs == std::vector{a3, b});

      auto sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/cmp/", true, b.mod_revision + 1, sink);
      REQUIRE(watch.ok());
      REQUIRE(sink->WaitForEvents(1));
      CHECK(sink->Events()[0].kv == a3);
      CHECK(sink->Events()[0].prev_kv == std::optional<KeyValue>(a2));

      CHECK(store.Compact(b.mod_revision).ok());   // again: nothing to do
      CHECK(store.Compact(a1.mod_revision).ok());  // older: nothing to do
      CHECK(store.Get("/cmp/a", b.mod_revision).value() == a2);
      KeyValue a4 = MustUpdate(store, a3, "4");
      CHECK(store.Get("/cmp/a").value() == a4);
    });
  }

  TEST_CASE("leases: an expired lease deletes its keys and watchers see it, KeepAlive keeps one") {
    ForEachBackend([](Backend& store) {
      Result<LeaseId> kept = store.GrantLease(1s);
      Result<LeaseId> doomed = store.GrantLease(1s);
      REQUIRE(kept.ok());
      REQUIRE(doomed.ok());
      CHECK(*kept != *doomed);
      KeyValue kept_kv = MustCreate(store, "/lease/kept", "k", *kept);
      KeyValue doomed_kv = MustCreate(store, "/lease/doomed", "d", *doomed);
      CHECK(doomed_kv.lease == *doomed);
      auto sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/lease/", true, 0, sink);
      REQUIRE(watch.ok());

      // Long enough that the kept lease would have expired twice without its keep-alives.
      auto start = std::chrono::steady_clock::now();
      bool gone = false;
      while (std::chrono::steady_clock::now() - start < 6s) {
        REQUIRE(store.KeepAlive(*kept).ok());
        gone = store.Get("/lease/doomed").status().code() == Code::kNotFound;
        if (gone && std::chrono::steady_clock::now() - start > 2200ms) {
          break;
        }
        std::this_thread::sleep_for(200ms);
      }
      CHECK(gone);
      CHECK(store.Get("/lease/kept").value() == kept_kv);
      REQUIRE(sink->WaitForEvents(1));
      Event deleted = sink->Events()[0];
      CHECK(deleted.type == Event::Type::kDelete);
      CHECK(deleted.kv.key == "/lease/doomed");
      CHECK(deleted.prev_kv == std::optional<KeyValue>(doomed_kv));
      CHECK(store.KeepAlive(*doomed).code() == Code::kNotFound);
      CHECK(store.RevokeLease(*kept).ok());
    });
  }

  TEST_CASE("leases: Revoke deletes at once, unknown leases are NotFound") {
    ForEachBackend([](Backend& store) {
      Result<LeaseId> lease = store.GrantLease(30s);
      REQUIRE(lease.ok());
      MustCreate(store, "/revoke/a", "a", *lease);
      KeyValue b = MustCreate(store, "/revoke/b", "b", *lease);
      KeyValue c = MustCreate(store, "/revoke/c", "c");
      // Rewritten without the lease: no longer the lease's to delete.
      Result<KeyValue> b2 = store.Update("/revoke/b", "b2", b.mod_revision, 0);
      REQUIRE(b2.ok());
      CHECK(b2->lease == 0);

      REQUIRE(store.RevokeLease(*lease).ok());
      CHECK(store.Get("/revoke/a").status().code() == Code::kNotFound);
      CHECK(store.Get("/revoke/b").value() == *b2);
      CHECK(store.Get("/revoke/c").value() == c);

      CHECK(store.RevokeLease(*lease).code() == Code::kNotFound);
      CHECK(store.KeepAlive(*lease).code() == Code::kNotFound);
      CHECK(store.KeepAlive(*lease + 1000003).code() == Code::kNotFound);
      CHECK(store.Create("/revoke/d", "d", *lease).status().code() == Code::kNotFound);
      CHECK(store.Get("/revoke/d").status().code() == Code::kNotFound);
    });
  }

  TEST_CASE("Cancel stops delivery, also from inside the sink and by destroying the watch") {
    ForEachBackend([](Backend& store) {
      auto witness = std::make_shared<WatchCollector>();  // sees everything, for syncing
      Result<WatchPtr> witness_watch = store.Watch("/cancel/", true, 0, witness);
      REQUIRE(witness_watch.ok());

      auto cancelled = std::make_shared<WatchCollector>();
      Result<WatchPtr> watch = store.Watch("/cancel/", true, 0, cancelled);
      REQUIRE(watch.ok());
      auto from_sink = std::make_shared<WatchCollector>();
      Result<WatchPtr> self_cancelling = store.Watch("/cancel/", true, 0, from_sink);
      REQUIRE(self_cancelling.ok());
      Watch* self = self_cancelling->get();
      from_sink->SetOnBatch([self] { self->Cancel(); });
      auto dropped = std::make_shared<WatchCollector>();
      Result<WatchPtr> dropped_watch = store.Watch("/cancel/", true, 0, dropped);
      REQUIRE(dropped_watch.ok());

      Sync(store, *witness, "/cancel/1", 1);
      REQUIRE(cancelled->WaitForEvents(1));
      REQUIRE(from_sink->WaitForEvents(1));
      REQUIRE(dropped->WaitForEvents(1));
      (*watch)->Cancel();
      dropped_watch->reset();
      Sync(store, *witness, "/cancel/2", 2);
      Sync(store, *witness, "/cancel/3", 3);
      std::this_thread::sleep_for(50ms);  // a late delivery would be a bug; give it a chance
      CHECK(cancelled->Events().size() == 1);
      CHECK(from_sink->Events().size() == 1);
      CHECK(from_sink->Batches() == 1);
      CHECK(dropped->Events().size() == 1);
      (*watch)->Cancel();  // twice is harmless
    });
  }
}

}  // namespace
}  // namespace mini::store::testing
