#include "cluster/api/patch/server_side_apply.h"

#include <doctest/doctest.h>

#include <string>

#include "cluster/api/patch/errors.h"
#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::BuiltinType;
using testing::J;
using testing::S;
using testing::TestApp;

FieldManagerContext Context(std::string manager, std::string time,
                            const schema::Type* type = BuiltinType("apps/v1", "Deployment")) {
  FieldManagerContext ctx;
  ctx.manager = std::move(manager);
  ctx.api_version = "apps/v1";
  ctx.time = std::move(time);
  ctx.type = type;
  ctx.ignored.Insert({PathElement::Field("status")});
  return ctx;
}

ApplyResult Apply(const boost::json::value* live, std::string_view applied,
                  const FieldManagerContext& ctx) {
  auto result = ServerSideApply(live, J(applied), ctx);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return *result;
}

// What `kubectl apply --server-side` sends for a small Deployment.
constexpr char kApplied[] = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"ssa","namespace":"default","labels":{"app":"ssa","tier":"web"}},
  "spec":{"replicas":2,"selector":{"matchLabels":{"app":"ssa"}},
    "template":{"metadata":{"labels":{"app":"ssa"}},
      "spec":{"containers":[{"name":"nginx","image":"nginx:1.27",
        "ports":[{"containerPort":80}]}]}}}})";

constexpr char kAppliedFields[] =
    R"({"f:metadata":{"f:labels":{"f:app":{},"f:tier":{}}},"f:spec":{"f:replicas":{},)"
    R"("f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{)"
    R"("f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{)"
    R"("k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})";

// The object as stored after the first apply: defaulted by the server, status written.
boost::json::value Stored(const boost::json::value& applied_result) {
  auto stored = applied_result;
  auto& metadata = stored.at("metadata").as_object();
  metadata["uid"] = "u1";
  metadata["resourceVersion"] = "10";
  auto& spec = stored.at("spec").as_object();
  spec["strategy"] = J(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%",
                          "maxSurge":"25%"}})");
  auto& container = spec["template"].at("spec").at("containers").at(0).as_object();
  container["imagePullPolicy"] = "IfNotPresent";
  container["ports"].at(0).as_object()["protocol"] = "TCP";
  stored.as_object()["status"] = J(R"({"replicas":2})");
  return stored;
}

TEST_SUITE("api/patch/server_side_apply") {
  TEST_CASE("create by apply records the applied fields") {
    ApplyResult created = Apply(nullptr, kApplied, Context("kubectl", "2025-01-01T00:00:00Z"));
    CHECK(created.conflicts.empty());
    auto expected = J(kApplied);
    expected.at("metadata").as_object()["managedFields"] = J(std::string(R"([{"manager":"kubectl",
        "operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T00:00:00Z",
        "fieldsType":"FieldsV1","fieldsV1":)") + kAppliedFields +
                                                             "}]");
    CHECK(S(created.object) == S(expected));
  }

  TEST_CASE("reapplying with a label and a port left out removes them, others' fields stay") {
    ApplyResult created = Apply(nullptr, kApplied, Context("kubectl", "2025-01-01T00:00:00Z"));
    auto live = Stored(created.object);
    // kubectl label adds a label of its own.
    live.at("metadata").at("labels").as_object()["team"] = "a";
    auto managed = live.at("metadata").at("managedFields").as_array();
    managed.push_back(J(R"({"manager":"kubectl-label","operation":"Update","apiVersion":"apps/v1",
        "time":"2025-01-01T00:01:00Z","fieldsType":"FieldsV1",
        "fieldsV1":{"f:metadata":{"f:labels":{"f:team":{}}}}})"));
    live.at("metadata").as_object()["managedFields"] = managed;

    ApplyResult reapplied = Apply(&live, R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"ssa","namespace":"default","labels":{"app":"ssa"}},
      "spec":{"replicas":2,"selector":{"matchLabels":{"app":"ssa"}},
        "template":{"metadata":{"labels":{"app":"ssa"}},
          "spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}})",
                                  Context("kubectl", "2025-01-01T00:02:00Z"));
    CHECK(reapplied.conflicts.empty());
    const auto& object = reapplied.object;
    CHECK(S(object.at("metadata").at("labels")) == R"({"app":"ssa","team":"a"})");
    const auto& container = object.at("spec").at("template").at("spec").at("containers").at(0);
    CHECK(S(container) ==
          R"({"name":"nginx","image":"nginx:1.28","imagePullPolicy":"IfNotPresent"})");
    // Server defaults nobody applied stay; so do identity and status.
    CHECK(object.at("spec").at("strategy").at("type") == "RollingUpdate");
    CHECK(object.at("metadata").at("uid") == "u1");
    CHECK(object.at("status").at("replicas") == 2);
    CHECK(S(object.at("metadata").at("managedFields")) ==
          R"([{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1",)"
          R"("time":"2025-01-01T00:02:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":)"
          R"({"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":)"
          R"({"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":)"
          R"({"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}},)"
          R"({"manager":"kubectl-label","operation":"Update","apiVersion":"apps/v1",)"
          R"("time":"2025-01-01T00:01:00Z","fieldsType":"FieldsV1",)"
          R"("fieldsV1":{"f:metadata":{"f:labels":{"f:team":{}}}}}])");

    // The same apply again changes nothing, not even the time.
    ApplyResult again = Apply(&reapplied.object, R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"ssa","namespace":"default","labels":{"app":"ssa"}},
      "spec":{"replicas":2,"selector":{"matchLabels":{"app":"ssa"}},
        "template":{"metadata":{"labels":{"app":"ssa"}},
          "spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}})",
                              Context("kubectl", "2025-01-01T00:03:00Z"));
    CHECK(S(again.object) == S(reapplied.object));
  }

  TEST_CASE("a field another manager also owns survives its removal from the apply") {
    ApplyResult created = Apply(nullptr, kApplied, Context("kubectl", "2025-01-01T00:00:00Z"));
    auto live = created.object;
    auto managed = live.at("metadata").at("managedFields").as_array();
    managed.push_back(J(R"({"manager":"other","operation":"Apply","apiVersion":"apps/v1",
        "time":"2025-01-01T00:01:00Z","fieldsType":"FieldsV1",
        "fieldsV1":{"f:metadata":{"f:labels":{"f:tier":{}}}}})"));
    live.at("metadata").as_object()["managedFields"] = managed;
    ApplyResult reapplied = Apply(&live, R"({"apiVersion":"apps/v1","kind":"Deployment",
        "metadata":{"name":"ssa","namespace":"default","labels":{"app":"ssa"}}})",
                                  Context("kubectl", "2025-01-01T00:02:00Z"));
    CHECK(S(reapplied.object.at("metadata").at("labels")) == R"({"app":"ssa","tier":"web"})");
    // Everything under spec was kubectl's alone: it goes, except what no one applied.
    CHECK_FALSE(reapplied.object.as_object().contains("spec"));
  }

  TEST_CASE("switching the strategy to Recreate drops rollingUpdate and its defaults") {
    auto ctx = Context("kubectl", "2025-01-01T00:00:00Z");
    ApplyResult created = Apply(nullptr, R"({"metadata":{"name":"d"},"spec":{"strategy":{
        "type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
                                ctx);
    auto live = created.object;
    live.at("spec").at("strategy").at("rollingUpdate").as_object()["maxUnavailable"] = "25%";
    ApplyResult recreated =
        Apply(&live, R"({"metadata":{"name":"d"},"spec":{"strategy":{"type":"Recreate"}}})", ctx);
    CHECK(S(recreated.object.at("spec")) == R"({"strategy":{"type":"Recreate"}})");
  }

  TEST_CASE("lists merge by their list type: keyed, set, atomic") {
    auto ctx = Context("a", "t1", TestApp());
    ApplyResult first = Apply(nullptr, R"({"spec":{"containers":[{"name":"x","image":"1"}],
        "gates":["g1"],"args":["a1"],"selector":{"k":"v"},"target":{"host":"h","port":1}}})",
                              ctx);
    ApplyResult second = Apply(&first.object, R"({"spec":{"containers":[{"name":"y"}],
        "gates":["g2"],"args":["a2"],"selector":{"k2":"v2"},"target":{"port":2}}})",
                               Context("b", "t2", TestApp()));
    CHECK(S(second.object.at("spec")) ==
          R"({"containers":[{"name":"x","image":"1"},{"name":"y"}],"gates":["g1","g2"],)"
          R"("args":["a2"],"selector":{"k2":"v2"},"target":{"port":2}})");
    // b took args, selector and target from a: reported as conflicts, ownership moved.
    REQUIRE(second.conflicts.size() == 1);
    CHECK(second.conflicts[0].manager == "a");
    CHECK(second.conflicts[0].fields.PathStrings() ==
          std::vector<std::string>{".spec.args", ".spec.selector", ".spec.target"});
    auto entries = DecodeManagedFields(second.object);
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 2);
    CHECK(S((*entries)[0].fields.ToFieldsV1()) ==
          R"({"f:spec":{"f:containers":{"k:{\"name\":\"x\"}":{".":{},"f:image":{},)"
          R"("f:name":{}}},"f:gates":{"v:\"g1\"":{}}}})");
  }

  TEST_CASE("applied items keep the applied order, live-only items stay near their neighbours") {
    auto ctx = Context("a", "t1", TestApp());
    auto live = J(R"({"spec":{"containers":[{"name":"a"},{"name":"injected"},{"name":"b"}]}})");
    ApplyResult result = Apply(&live, R"({"spec":{"containers":[{"name":"b"},{"name":"a"},
        {"name":"c"}]}})",
                               ctx);
    CHECK(S(result.object.at("spec").at("containers")) ==
          R"([{"name":"injected"},{"name":"b"},{"name":"a"},{"name":"c"}])");
  }

  TEST_CASE("an object that predates managedFields gets a before-first-apply owner") {
    auto live = J(R"({"metadata":{"name":"d","labels":{"old":"1"}},"spec":{"replicas":1}})");
    ApplyResult result =
        Apply(&live, R"({"metadata":{"name":"d","labels":{"new":"2"}}})", Context("k", "t"));
    CHECK(S(result.object.at("metadata").at("managedFields")) ==
          R"([{"manager":"k","operation":"Apply","apiVersion":"apps/v1","time":"t",)"
          R"("fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:new":{}}}}},)"
          R"({"manager":"before-first-apply","operation":"Update","apiVersion":"apps/v1",)"
          R"("time":"t","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":)"
          R"({"f:old":{}}},"f:spec":{"f:replicas":{}}}}])");
  }

  TEST_CASE("bad apply bodies are rejected") {
    auto ctx = Context("k", "t");
    auto with_managed =
        ServerSideApply(nullptr, J(R"({"metadata":{"name":"d","managedFields":[]}})"), ctx);
    REQUIRE_FALSE(with_managed.ok());
    CHECK(with_managed.status().message() == "metadata.managedFields must be nil");
    CHECK(ServerSideApply(nullptr, J("[]"), ctx).status().reason() == kReasonMalformedPatch);
    auto unkeyed = ServerSideApply(
        nullptr, J(R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})"), ctx);
    CHECK(unkeyed.status().reason() == kReasonPatchNotApplicable);
  }

  TEST_CASE("apply bodies may be YAML") {
    auto parsed = ParseApplyPatch(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, version: "2", enabled: "true"}
spec:
  replicas: 3
  paused: false
  minReadySeconds: 0x10
  template:
    spec:
      containers:
      - name: web
        image: nginx
        args: [-x, ~, 1.5, .5, 'quoted', !!str 7]
)");
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
    CHECK(S(*parsed) ==
          R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":)"
          R"({"app":"web","version":"2","enabled":"true"}},"spec":{"replicas":3,"paused":false,)"
          R"("minReadySeconds":16,"template":{"spec":{"containers":[{"name":"web",)"
          R"("image":"nginx","args":["-x",null,1.5E0,5E-1,"quoted","7"]}]}}}})");
    CHECK(S(*ParseApplyPatch(R"({"a":1})")) == R"({"a":1})");
    CHECK(ParseApplyPatch("a: [").status().reason() == kReasonMalformedPatch);
    CHECK(ParseApplyPatch("a: 1\n---\nb: 2\n").status().reason() == kReasonMalformedPatch);
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
