// A watch response over the real registry and memory datastore: it can be cancelled while the
// store is delivering to it, from any thread, without the two waiting on each other.
#include "cluster/apiserver/rest/watch_stream.h"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "test/cluster/registry/memory_registry.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace {

// Takes every line; slow enough that deliveries overlap the cancel.
class SlowSink final : public StreamSink {
 public:
  bool Write(std::string) override {
    ++lines;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return true;
  }
  void Close() override {}
  std::atomic<int> lines{0};
};

TEST_SUITE("apiserver/watch_stream") {
  TEST_CASE("a watch cancelled while the store delivers to it ends, and so does the delivery") {
    registry::testing::MemoryRegistry cluster;
    registry::Storage& maps = cluster.Find("", "v1", "configmaps");
    for (int round = 0; round < 20; ++round) {
      WatchStream::Options options;
      options.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
      auto stream = std::make_shared<WatchStream>(options);
      auto watch = maps.Watch("default", registry::ListOptions(), stream);
      REQUIRE(watch.ok());
      stream->set_watch(std::move(*watch));
      auto sink = std::make_shared<SlowSink>();
      stream->Start(sink);
      std::atomic<bool> writing{true};
      std::thread writer([&] {
        for (int i = 0; writing; ++i) {
          json::object map{{"metadata", json::object{{"name", "m" + std::to_string(round) + "-" +
                                                                  std::to_string(i)}}}};
          (void)maps.Create("default", map, registry::WriteOptions());
        }
      });
      while (sink->lines < 3) std::this_thread::sleep_for(std::chrono::microseconds(100));
      auto cancelled = std::async(std::launch::async, [&] { stream->Cancel(); });
      CHECK(cancelled.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
      writing = false;
      writer.join();
      int seen = sink->lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      CHECK(sink->lines == seen);  // nothing is written after the cancel returned
    }
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver::rest
