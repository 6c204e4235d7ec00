#include "cluster/kubelet/prober/probe_state.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::cluster::kubelet::prober {
namespace json = boost::json;
using std::chrono::seconds;
namespace {

ProbeSpec Every(int period, int failures = 3, int successes = 1, int delay = 0) {
  ProbeSpec spec;
  spec.action.kind = Action::Kind::kTcpSocket;
  spec.period = seconds(period);
  spec.failure_threshold = failures;
  spec.success_threshold = successes;
  spec.initial_delay = seconds(delay);
  return spec;
}

const Clock::time_point kStart{seconds(1000)};

TEST_SUITE("kubelet/probe_state") {
  TEST_CASE("no probes: started and ready, nothing to run") {
    ContainerProbeState state({}, kStart);
    CHECK(state.Verdict().started);
    CHECK(state.Verdict().ready);
    CHECK_FALSE(state.Verdict().kill_reason);
    CHECK_FALSE(state.NextAt(ProbeType::kLiveness));
  }

  TEST_CASE("the first run waits the initial delay, then every period") {
    ContainerProbeState state({.readiness = Every(5, 3, 1, 7)}, kStart);
    CHECK(state.NextAt(ProbeType::kReadiness) == kStart + seconds(7));
    state.Record(ProbeType::kReadiness, true, "", kStart + seconds(7));
    CHECK(state.NextAt(ProbeType::kReadiness) == kStart + seconds(12));
  }

  TEST_CASE("readiness starts unready and follows its thresholds") {
    ContainerProbeState state({.readiness = Every(1, 2, 2)}, kStart);
    CHECK_FALSE(state.Verdict().ready);
    state.Record(ProbeType::kReadiness, true, "", kStart);
    CHECK_FALSE(state.Verdict().ready);  // successThreshold 2
    state.Record(ProbeType::kReadiness, true, "", kStart + seconds(1));
    CHECK(state.Verdict().ready);
    state.Record(ProbeType::kReadiness, false, "refused", kStart + seconds(2));
    CHECK(state.Verdict().ready);  // failureThreshold 2
    state.Record(ProbeType::kReadiness, true, "", kStart + seconds(3));
    state.Record(ProbeType::kReadiness, false, "refused", kStart + seconds(4));
    CHECK(state.Verdict().ready);  // the success broke the run of failures
    state.Record(ProbeType::kReadiness, false, "refused", kStart + seconds(5));
    CHECK_FALSE(state.Verdict().ready);
    CHECK_FALSE(state.Verdict().kill_reason);  // readiness never kills
    // Every failed run counts, for the Unhealthy events, with the words of the latest.
    CHECK(state.Verdict().failed_runs == 3);
    CHECK(state.Verdict().last_failure == "Readiness probe failed: refused");
  }

  TEST_CASE("liveness kills after failureThreshold failures in a row") {
    ProbeSpec liveness = Every(1, 3);
    liveness.termination_grace = seconds(4);
    ContainerProbeState state({.liveness = liveness}, kStart);
    CHECK(state.Verdict().ready);
    for (int i = 0; i < 2; ++i)
      state.Record(ProbeType::kLiveness, false, "no", kStart + seconds(i));
    CHECK_FALSE(state.Verdict().kill_reason);
    state.Record(ProbeType::kLiveness, false, "connection refused", kStart + seconds(2));
    REQUIRE(state.Verdict().kill_reason);
    CHECK(*state.Verdict().kill_reason == "Liveness probe failed: connection refused");
    CHECK(state.Verdict().kill_grace == seconds(4));
    CHECK_FALSE(state.NextAt(ProbeType::kLiveness));  // nothing more to decide
  }

  TEST_CASE("a startup probe holds liveness and readiness back until it succeeds") {
    ContainerProbeState state(
        {.startup = Every(1, 5), .liveness = Every(10), .readiness = Every(10)}, kStart);
    CHECK_FALSE(state.Verdict().started);
    CHECK_FALSE(state.Verdict().ready);
    CHECK(state.NextAt(ProbeType::kStartup) == kStart);
    CHECK_FALSE(state.NextAt(ProbeType::kLiveness));
    CHECK_FALSE(state.NextAt(ProbeType::kReadiness));
    state.Record(ProbeType::kStartup, false, "not yet", kStart);
    CHECK_FALSE(state.Verdict().kill_reason);
    state.Record(ProbeType::kStartup, true, "", kStart + seconds(1));
    CHECK(state.Verdict().started);
    CHECK_FALSE(state.NextAt(ProbeType::kStartup));
    // Their initial delay has passed: they run at once.
    CHECK(state.NextAt(ProbeType::kLiveness) == kStart);
    CHECK(state.NextAt(ProbeType::kReadiness) == kStart);
    CHECK_FALSE(state.Verdict().ready);
  }

  TEST_CASE("a startup probe that keeps failing kills the container") {
    ContainerProbeState state({.startup = Every(1, 2), .liveness = Every(1)}, kStart);
    state.Record(ProbeType::kStartup, false, "a", kStart);
    state.Record(ProbeType::kStartup, false, "b", kStart + seconds(1));
    REQUIRE(state.Verdict().kill_reason);
    CHECK(*state.Verdict().kill_reason == "Startup probe failed: b");
    CHECK(state.Verdict().kill_grace == seconds(-1));
  }
}

TEST_SUITE("kubelet/probe_action") {
  json::object Container() {
    return json::parse(R"({"name":"c","ports":[{"name":"http","containerPort":8080}]})")
        .as_object();
  }

  TEST_CASE("a probe's defaults and its named port") {
    auto probe = ParseProbe(json::parse(R"({"httpGet":{"port":"http","path":"healthz",
        "httpHeaders":[{"name":"X-A","value":"b"}]}})")
                                .as_object(),
                            Container());
    REQUIRE(probe.ok());
    CHECK(probe->action.kind == Action::Kind::kHttpGet);
    CHECK(probe->action.port == 8080);
    CHECK(probe->action.path == "/healthz");
    CHECK_FALSE(probe->action.https);
    CHECK(probe->action.headers.size() == 1);
    CHECK(probe->period == seconds(10));
    CHECK(probe->timeout == seconds(1));
    CHECK(probe->success_threshold == 1);
    CHECK(probe->failure_threshold == 3);
  }

  TEST_CASE("bad probes are refused with a reason") {
    CHECK(ParseProbe(json::parse(R"({"tcpSocket":{"port":"nope"}})").as_object(), Container())
              .status()
              .message() == "port \"nope\" is not a port of container \"c\"");
    CHECK(ParseProbe(json::parse(R"({"grpc":{"port":1}})").as_object(), Container())
              .status()
              .code() == Code::kUnimplemented);
    CHECK_FALSE(ParseProbe(json::parse(R"({"exec":{}})").as_object(), Container()).ok());
    CHECK_FALSE(ParseProbe(json::parse(R"({"periodSeconds":1})").as_object(), Container()).ok());
    CHECK_FALSE(
        ParseProbe(json::parse(R"({"tcpSocket":{"port":70000}})").as_object(), Container()).ok());
  }

  TEST_CASE("hooks may sleep, probes may not") {
    json::object sleep = json::parse(R"({"sleep":{"seconds":3}})").as_object();
    auto action = ParseAction(sleep, Container());
    REQUIRE(action.ok());
    CHECK(action->sleep == seconds(3));
    CHECK_FALSE(ParseProbe(sleep, Container()).ok());
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::prober
