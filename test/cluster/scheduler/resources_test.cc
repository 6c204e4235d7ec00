#include "cluster/scheduler/resources.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::cluster::scheduler {
namespace {

boost::json::object Parse(const char* text) { return boost::json::parse(text).as_object(); }

TEST_SUITE("scheduler resources") {
  TEST_CASE("containers add up, rounding each quantity up") {
    auto pod = Parse(R"({"spec":{"containers":[
      {"name":"a","resources":{"requests":{"cpu":"250m","memory":"64Mi","example.com/gpu":"1"}}},
      {"name":"b","resources":{"requests":{"cpu":"0.0001","ephemeral-storage":"1Gi"}}},
      {"name":"c"}]}})");
    Resources r = PodRequests(pod);
    CHECK(r.milli_cpu == 251);
    CHECK(r.memory == 64LL * 1024 * 1024);
    CHECK(r.ephemeral_storage == 1024LL * 1024 * 1024);
    CHECK(r.scalar.at("example.com/gpu") == 1);
  }

  TEST_CASE("an init container larger than the app sets the request, overhead is added") {
    auto pod = Parse(R"({"spec":{
      "initContainers":[{"name":"i","resources":{"requests":{"cpu":"2","memory":"10Mi"}}}],
      "containers":[{"name":"a","resources":{"requests":{"cpu":"500m","memory":"100Mi"}}}],
      "overhead":{"cpu":"100m"}}})");
    Resources r = PodRequests(pod);
    CHECK(r.milli_cpu == 2100);
    CHECK(r.memory == 100LL * 1024 * 1024);
  }

  TEST_CASE("sidecars run beside the app and beside later init containers") {
    auto pod = Parse(R"({"spec":{
      "initContainers":[
        {"name":"side","restartPolicy":"Always","resources":{"requests":{"cpu":"300m"}}},
        {"name":"setup","resources":{"requests":{"cpu":"1"}}}],
      "containers":[{"name":"a","resources":{"requests":{"cpu":"200m"}}}]}})");
    // app phase: 200m + 300m; init phase: 1 + 300m.
    CHECK(PodRequests(pod).milli_cpu == 1300);
  }

  TEST_CASE("scoring counts 100m and 200Mi for containers that ask for nothing") {
    auto pod = Parse(R"({"spec":{"containers":[{"name":"a"},
      {"name":"b","resources":{"requests":{"cpu":"1"}}}]}})");
    Resources r = NonZeroPodRequests(pod);
    CHECK(r.milli_cpu == 1100);
    CHECK(r.memory == 2 * 200LL * 1024 * 1024);
    CHECK(PodRequests(pod).memory == 0);
  }

  TEST_CASE("allocatable of a node, unknown plain names ignored") {
    auto node = Parse(R"({"status":{"allocatable":{"cpu":"4","memory":"8Gi","pods":"110",
      "hugepages-2Mi":"0","storage":"5"}}})");
    Resources r = NodeAllocatable(node);
    CHECK(r.milli_cpu == 4000);
    CHECK(r.pods == 110);
    CHECK(r.scalar.count("hugepages-2Mi") == 1);
    CHECK(r.scalar.count("storage") == 0);
  }
}

}  // namespace
}  // namespace mini::cluster::scheduler
