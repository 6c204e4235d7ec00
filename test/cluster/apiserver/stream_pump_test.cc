#include "cluster/apiserver/stream_pump.h"

#include <doctest/doctest.h>

#include <deque>

namespace mini::cluster::apiserver {
namespace {

// Runs posted tasks and completes writes only when the test says so: the test is the strand.
class FakeTransport : public Transport {
 public:
  void Post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  void Write(std::string data, std::function<void(bool)> done) override {
    written += data;
    pending_ = std::move(done);
  }
  void Close() override { closed = true; }

  void Run(bool writes_succeed = true) {
    while (!tasks_.empty() || pending_) {
      if (pending_) {
        std::exchange(pending_, nullptr)(writes_succeed);
      } else {
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        task();
      }
    }
  }

  std::string written;
  bool closed = false;

 private:
  std::deque<std::function<void()>> tasks_;
  std::function<void(bool)> pending_;
};

class RecordingBody : public BodyStream {
 public:
  void Start(std::shared_ptr<StreamSink> stream_sink) override { sink = std::move(stream_sink); }
  void Cancel() override { cancelled = true; }
  std::shared_ptr<StreamSink> sink;
  bool cancelled = false;
};

struct PumpFixture {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<RecordingBody> body = std::make_shared<RecordingBody>();
  std::shared_ptr<StreamPump> pump = StreamPump::Create(transport, 16);
};

TEST_SUITE("apiserver/stream_pump") {
  TEST_CASE_FIXTURE(PumpFixture, "writes the head, one chunk per write and the last chunk") {
    pump->Start("HEAD\r\n\r\n", body);
    REQUIRE(body->sink != nullptr);
    CHECK(body->sink->Write("a"));
    CHECK(body->sink->Write("bc"));
    body->sink->Close();
    CHECK_FALSE(body->sink->Write("late"));
    transport->Run();
    CHECK(transport->written == "HEAD\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\n");
    CHECK(transport->closed);
    CHECK_FALSE(body->cancelled);
  }

  TEST_CASE_FIXTURE(PumpFixture, "a client too slow for the backlog is cut off") {
    pump->Start("H", body);  // the head's write stays in flight: nothing drains
    CHECK(body->sink->Write("0123456789"));
    CHECK_FALSE(body->sink->Write("0123456789"));
    transport->Run();
    CHECK(body->cancelled);
    CHECK(transport->closed);
  }

  TEST_CASE_FIXTURE(PumpFixture, "a failed write cancels the body") {
    pump->Start("H", body);
    transport->Run(false);
    CHECK(body->cancelled);
    CHECK_FALSE(body->sink->Write("x"));
  }

  TEST_CASE_FIXTURE(PumpFixture, "the sink outlives the pump harmlessly") {
    pump->Start("H", body);
    transport->Run();
    pump->Cancel();
    pump.reset();
    CHECK_FALSE(body->sink->Write("x"));
    body->sink->Close();
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver
