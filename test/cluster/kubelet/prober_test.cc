#include "cluster/kubelet/prober/prober.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "test/eventually.h"

namespace mini::cluster::kubelet::prober {
namespace {

using mini::testing::Eventually;

// Answers from a switch, counting calls.
class FakeRunner final : public ActionRunner {
 public:
  ActionResult Run(const Action&, const ActionTarget& target, std::chrono::milliseconds) override {
    ++calls;
    last_target = target.container_id;
    return {healthy.load(), healthy ? "" : "down"};
  }
  std::atomic<bool> healthy{true};
  std::atomic<int> calls{0};
  std::string last_target;
};

ContainerProbeSpecs Readiness() {
  ProbeSpec spec;
  spec.action.kind = Action::Kind::kTcpSocket;
  spec.period = std::chrono::seconds(1);
  spec.failure_threshold = 1;
  return {.readiness = spec};
}

TEST_SUITE("kubelet/prober") {
  TEST_CASE("probes run on their own threads and their verdicts are read back") {
    FakeRunner runner;
    Prober prober(runner);
    CHECK_FALSE(prober.Verdict("pod", "c", "c-0"));
    prober.Watch("pod", "c", "c-0", Readiness(), {"c-0", "10.0.0.1"}, Clock::now());
    CHECK(Eventually([&] { return prober.Verdict("pod", "c", "c-0")->ready; }));
    CHECK(runner.last_target == "c-0");
    CHECK_FALSE(prober.Verdict("pod", "c", "c-1"));  // another instance is not judged

    runner.healthy = false;
    CHECK(Eventually([&] { return !prober.Verdict("pod", "c", "c-0")->ready; }));

    // A new instance starts over: unready until its first success.
    prober.Watch("pod", "c", "c-1", Readiness(), {"c-1", "10.0.0.1"}, Clock::now());
    CHECK_FALSE(prober.Verdict("pod", "c", "c-0"));
    CHECK_FALSE(prober.Verdict("pod", "c", "c-1")->ready);

    prober.Forget("pod");
    CHECK_FALSE(prober.Verdict("pod", "c", "c-1"));
    int calls = runner.calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    CHECK(runner.calls == calls);  // forgotten probes no longer run
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::prober
