#include "cluster/client/informer.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>

namespace mini::cluster::client {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;

std::string Item(std::string name, int version) {
  return R"({"metadata":{"namespace":"default","name":")" + name + R"(","resourceVersion":")" +
         std::to_string(version) + R"("}})";
}

// Serves scripted lists; each watch sends one event and then the 410 a compaction causes.
class ScriptedTransport final : public Transport {
 public:
  Result<HttpReply> Send(const HttpRequest&) override {
    std::lock_guard lock(mutex_);
    ++lists_;
    if (lists_ == 1) {
      return HttpReply{200, R"({"metadata":{"resourceVersion":"10"},"items":[)" + Item("a", 5) +
                                "," + Item("b", 6) + "]}"};
    }
    // Meanwhile "a" went away and "c" came.
    return HttpReply{200, R"({"metadata":{"resourceVersion":"30"},"items":[)" + Item("b", 6) +
                              "," + Item("c", 25) + "]}"};
  }

  Result<std::unique_ptr<StreamHandle>> Stream(const HttpRequest& request, LineHandler on_line,
                                                EndHandler on_end, HttpReply*) override {
    std::string version;
    for (const auto& [key, value] : request.query) {
      if (key == "resourceVersion") version = value;
    }
    {
      std::lock_guard lock(mutex_);
      watched_from_.push_back(version);
    }
    if (version == "10") {
      on_line(R"({"type":"MODIFIED","object":)" + Item("b", 11) + "}");
      on_line(R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired",)"
              R"("message":"too old resource version"}})");
      on_end(Status::Ok());
    }
    return std::unique_ptr<StreamHandle>(std::make_unique<Idle>());
  }

  std::vector<std::string> watched_from() {
    std::lock_guard lock(mutex_);
    return watched_from_;
  }

 private:
  struct Idle final : StreamHandle {
    void Stop() override {}
  };
  std::mutex mutex_;
  int lists_ = 0;
  std::vector<std::string> watched_from_;
};

TEST_SUITE("client/informer") {
  TEST_CASE("expired history makes the informer list again and report what vanished") {
    auto transport = std::make_shared<ScriptedTransport>();
    Client client(transport);
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::string> seen;
    auto note = [&](std::string entry) {
      std::lock_guard lock(mutex);
      seen.push_back(std::move(entry));
      cv.notify_all();
    };
    auto name = [](const json::object& o) {
      return std::string(o.at("metadata").at("name").as_string());
    };
    Informer informer(client, {"", "v1", "configmaps"}, "default", {},
                      {[&](const json::object& o) { note("add " + name(o)); },
                       [&](const json::object&, const json::object& o) { note("update " + name(o)); },
                       [&](const json::object& o) { note("delete " + name(o)); }});
    informer.Start();
    {
      std::unique_lock lock(mutex);
      REQUIRE(cv.wait_for(lock, 5s, [&] { return seen.size() >= 6; }));
      CHECK(seen == std::vector<std::string>{"add a", "add b", "update b", "delete a",
                                             "update b", "add c"});
    }
    informer.Stop();
    std::vector<std::string> from = transport->watched_from();
    REQUIRE(from.size() >= 2);
    CHECK(from[0] == "10");
    CHECK(from[1] == "30");  // after the relist, not the expired version
    CHECK(informer.Get("default", "c").has_value());
    CHECK_FALSE(informer.Get("default", "a").has_value());
  }
}

}  // namespace
}  // namespace mini::cluster::client
