#include "cluster/api/patch/managed_fields.h"

#include <doctest/doctest.h>

#include <string>

#include "test_util.h"

namespace mini::cluster::api::patch {
namespace {

using testing::BuiltinType;
using testing::J;
using testing::S;

FieldManagerContext Context(std::string manager, std::string time) {
  FieldManagerContext ctx;
  ctx.manager = std::move(manager);
  ctx.api_version = "apps/v1";
  ctx.time = std::move(time);
  ctx.type = BuiltinType("apps/v1", "Deployment");
  ctx.ignored.Insert({PathElement::Field("status")});
  return ctx;
}

const boost::json::value& ManagedFields(const boost::json::value& object) {
  return object.at("metadata").at("managedFields");
}

// `kubectl create deployment nginx --image=nginx:1.27`, as stored after defaulting.
constexpr char kCreated[] = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"nginx","namespace":"default","uid":"u","resourceVersion":"5","generation":1,
    "creationTimestamp":"2025-01-01T00:00:00Z","labels":{"app":"nginx"}},
  "spec":{"replicas":1,"selector":{"matchLabels":{"app":"nginx"}},
    "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},
      "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","resources":{},
        "imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always"}},
    "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}},
  "status":{}})";

TEST_SUITE("api/patch/managed_fields") {
  TEST_CASE("a create records everything it set, with '.' where Kubernetes writes it") {
    auto object = J(kCreated);
    REQUIRE(RecordUpdate(nullptr, object, Context("kubectl-create", "2025-01-01T00:00:00Z")).ok());
    CHECK(S(ManagedFields(object)) ==
          R"([{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1",)"
          R"("time":"2025-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{)"
          R"("f:metadata":{"f:labels":{".":{},"f:app":{}}},)"
          R"("f:spec":{"f:replicas":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},)"
          R"("f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":)"
          R"({"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":)"
          R"({".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{}}},)"
          R"("f:restartPolicy":{}}}}}}])");
  }

  TEST_CASE("updates move changed fields to their manager and merge its repeated entries") {
    auto created = J(kCreated);
    REQUIRE(RecordUpdate(nullptr, created, Context("kubectl-create", "2025-01-01T00:00:00Z")).ok());

    // kubectl label: a new label.
    auto labeled = created;
    labeled.at("metadata").at("labels").as_object()["team"] = "a";
    REQUIRE(RecordUpdate(&created, labeled, Context("kubectl-label", "2025-01-01T00:01:00Z")).ok());
    // kubectl edit: the image and the team label change hands; status edits are not owned.
    auto edited = labeled;
    edited.at("spec").at("template").at("spec").at("containers").at(0).as_object()["image"] =
        "nginx:1.28";
    edited.at("metadata").at("labels").as_object()["team"] = "b";
    edited.at("status").as_object()["replicas"] = 3;
    REQUIRE(RecordUpdate(&labeled, edited, Context("kubectl-edit", "2025-01-01T00:02:00Z")).ok());
    // kubectl label again, removing the team label: it leaves every manager.
    auto unlabeled = edited;
    unlabeled.at("metadata").at("labels").as_object().erase("team");
    unlabeled.at("metadata").at("labels").as_object()["tier"] = "x";
    REQUIRE(
        RecordUpdate(&edited, unlabeled, Context("kubectl-label", "2025-01-01T00:03:00Z")).ok());

    auto entries = DecodeManagedFields(unlabeled);
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 3);
    CHECK((*entries)[0].manager == "kubectl-create");
    CHECK_FALSE((*entries)[0].fields.Has(
        {PathElement::Field("spec"), PathElement::Field("template"), PathElement::Field("spec"),
         PathElement::Field("containers"), PathElement::Key(J(R"({"name":"nginx"})").as_object()),
         PathElement::Field("image")}));
    CHECK((*entries)[1].manager == "kubectl-edit");
    CHECK(S((*entries)[1].fields.ToFieldsV1()) ==
          R"({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":)"
          R"({"f:image":{}}}}}}})");
    CHECK((*entries)[2].manager == "kubectl-label");
    CHECK((*entries)[2].time == "2025-01-01T00:03:00Z");
    CHECK(S((*entries)[2].fields.ToFieldsV1()) == R"({"f:metadata":{"f:labels":{"f:tier":{}}}})");
  }

  TEST_CASE("a write that changes nothing leaves the entries as they were") {
    auto created = J(kCreated);
    REQUIRE(RecordUpdate(nullptr, created, Context("kubectl-create", "2025-01-01T00:00:00Z")).ok());
    auto same = created;
    REQUIRE(RecordUpdate(&created, same, Context("kubectl-edit", "2025-01-01T00:09:00Z")).ok());
    CHECK(S(same) == S(created));
  }

  TEST_CASE("clients may rewrite managedFields and [{}] resets them") {
    auto created = J(kCreated);
    REQUIRE(RecordUpdate(nullptr, created, Context("kubectl-create", "2025-01-01T00:00:00Z")).ok());
    auto upgraded = created;
    upgraded.at("metadata").as_object()["managedFields"] = J(R"([{"manager":"kubectl",
        "operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T00:05:00Z",
        "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}])");
    REQUIRE(
        RecordUpdate(&created, upgraded, Context("kubectl-patch", "2025-01-01T00:06:00Z")).ok());
    CHECK(S(ManagedFields(upgraded)) ==
          R"([{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1",)"
          R"("time":"2025-01-01T00:05:00Z","fieldsType":"FieldsV1",)"
          R"("fieldsV1":{"f:spec":{"f:replicas":{}}}}])");

    auto reset = created;
    reset.at("metadata").as_object()["managedFields"] = J("[{}]");
    REQUIRE(RecordUpdate(&created, reset, Context("kubectl-patch", "2025-01-01T00:06:00Z")).ok());
    CHECK_FALSE(reset.at("metadata").as_object().contains("managedFields"));

    auto bad = created;
    bad.at("metadata").as_object()["managedFields"] = J(R"([{"manager":"x",
        "fieldsType":"FieldsV2","fieldsV1":{}}])");
    CHECK_FALSE(RecordUpdate(&created, bad, Context("kubectl-patch", "t")).ok());
  }

  TEST_CASE("entries sort Apply first, then by time and manager") {
    auto object = J(R"({"metadata":{"managedFields":[
        {"manager":"b","operation":"Update","apiVersion":"v1","time":"2",
         "fieldsType":"FieldsV1","fieldsV1":{"f:a":{}}},
        {"manager":"a","operation":"Update","apiVersion":"v1","time":"2",
         "fieldsType":"FieldsV1","fieldsV1":{"f:b":{}}},
        {"manager":"z","operation":"Apply","apiVersion":"v1","time":"3",
         "fieldsType":"FieldsV1","fieldsV1":{"f:c":{}}},
        {"manager":"a","operation":"Update","apiVersion":"v1","time":"1",
         "fieldsType":"FieldsV1","fieldsV1":{"f:d":{}}},
        {"manager":"s","operation":"Update","apiVersion":"v1","time":"0","subresource":"status",
         "fieldsType":"FieldsV1","fieldsV1":{"f:e":{}}}]}})");
    auto entries = DecodeManagedFields(object);
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 4);  // a's two entries merged
    EncodeManagedFields(*entries, object);
    std::string order;
    for (const auto& entry : ManagedFields(object).as_array()) {
      order += std::string(entry.at("manager").as_string()) + " ";
    }
    CHECK(order == "z s a b ");
    CHECK(S(ManagedFields(object).at(2).at("fieldsV1")) == R"({"f:b":{},"f:d":{}})");
    CHECK(ManagedFields(object).at(1).at("subresource") == "status");
  }

  TEST_CASE("the default manager is the user agent's program name") {
    CHECK(ManagerFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07") == "kubectl");
    CHECK(ManagerFromUserAgent("curl") == "curl");
  }
}

}  // namespace
}  // namespace mini::cluster::api::patch
