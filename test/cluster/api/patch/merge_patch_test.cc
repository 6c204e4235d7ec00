#include "cluster/api/patch/merge_patch.h"

#include <doctest/doctest.h>

#include <vector>

#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::J;
using testing::S;

TEST_SUITE("api/patch/merge_patch") {
  TEST_CASE("RFC 7386 appendix A examples") {
    struct Case {
      const char* original;
      const char* patch;
      const char* result;
    };
    const std::vector<Case> cases = {
        {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
        {R"({"a":"b"})", R"({"a":null})", R"({})"},
        {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
        {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
        {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
        {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
        {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
        {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
        {R"({"a":"foo"})", R"(null)", R"(null)"},
        {R"({"a":"foo"})", R"("bar")", R"("bar")"},
        {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
        {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
        {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.patch);
      CHECK(S(ApplyMergePatch(J(c.original), J(c.patch))) == S(J(c.result)));
    }
  }

  TEST_CASE("kubectl label, annotate and scale patches") {
    auto deployment = J(R"({"metadata":{"name":"web","labels":{"app":"web","tier":"x"}},
        "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c"}]}}}})");
    auto labeled = ApplyMergePatch(deployment, J(R"({"metadata":{"labels":{"tier":"frontend"}}})"));
    CHECK(S(labeled.at("metadata")) ==
          R"({"name":"web","labels":{"app":"web","tier":"frontend"}})");
    auto unlabeled = ApplyMergePatch(labeled, J(R"({"metadata":{"labels":{"tier":null}}})"));
    CHECK(S(unlabeled.at("metadata")) == R"({"name":"web","labels":{"app":"web"}})");
    auto annotated = ApplyMergePatch(unlabeled, J(R"({"metadata":{"annotations":{"a":"b"}}})"));
    CHECK(S(annotated.at("metadata").at("annotations")) == R"({"a":"b"})");
    auto scaled = ApplyMergePatch(annotated, J(R"({"spec":{"replicas":3}})"));
    CHECK(scaled.at("spec").at("replicas") == 3);
    CHECK(S(scaled.at("spec").at("template")) == R"({"spec":{"containers":[{"name":"c"}]}})");
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
